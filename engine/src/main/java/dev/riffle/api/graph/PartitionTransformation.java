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
    private final Class<?> keyType;

    /**
     * @param id          node id.
     * @param input       upstream node.
     * @param keySelector the key.
     */
    public PartitionTransformation(final int id, final Transformation<T> input, final KeySelector<T, ?> keySelector)
    {
        this(id, input, keySelector, Object.class);
    }

    /**
     * @param id          node id.
     * @param input       upstream node.
     * @param keySelector the key.
     * @param keyType     the class of every key, or {@code Object} if not declared.
     */
    public PartitionTransformation(
        final int id, final Transformation<T> input, final KeySelector<T, ?> keySelector, final Class<?> keyType)
    {
        super(id, "keyBy", List.of(input));
        this.keySelector = Objects.requireNonNull(keySelector, "key selector");
        this.keyType = Objects.requireNonNull(keyType, "key type");
    }

    /**
     * @return the class of every key, or {@code Object} if the job did not declare it.
     */
    public Class<?> keyType()
    {
        return keyType;
    }

    /**
     * @return the key selector.
     */
    public KeySelector<T, ?> keySelector()
    {
        return keySelector;
    }
}
