package dev.riffle.api.graph;

import java.util.List;

/**
 * A virtual node merging several inputs of the same type into one stream.
 *
 * @param <T> record type.
 */
public final class UnionTransformation<T> extends Transformation<T>
{
    /**
     * @param id     node id.
     * @param inputs the merged inputs.
     */
    public UnionTransformation(final int id, final List<Transformation<?>> inputs)
    {
        super(id, "union", inputs);
    }
}
