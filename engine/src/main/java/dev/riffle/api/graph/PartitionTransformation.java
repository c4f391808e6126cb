package dev.riffle.api.graph;

import dev.riffle.api.functions.KeySelector;

import java.util.List;
import java.util.Objects;

/**
 * A virtual node: its input is partitioned by key (Flink's key groups) towards the consumer.
 *
 * @param <T> record type.
 */
public final class PartitionTransformation<T> extends Transformation<T>
{
    private final KeySelector<T, ?> keySelector;

    /**
     * @param id          node id.
     * @param input       upstream node.
     * @param keySelector the key.
     */
    public PartitionTransformation(final int id, final Transformation<T> input, final KeySelector<T, ?> keySelector)
    {
        super(id, "keyBy", List.of(input));
        this.keySelector = Objects.requireNonNull(keySelector, "key selector");
    }

    /**
     * @return the key selector.
     */
    public KeySelector<T, ?> keySelector()
    {
        return keySelector;
    }
}
