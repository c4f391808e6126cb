package dev.riffle.api.graph;

import dev.riffle.api.connector.Sink;

import java.util.List;
import java.util.Objects;

/**
 * A node writing records to a {@link Sink}; a leaf of the graph.
 *
 * @param <T> record type.
 */
public final class SinkTransformation<T> extends Transformation<Void>
{
    private final Sink<T> sink;

    /**
     * @param id    node id.
     * @param name  node name.
     * @param input upstream node.
     * @param sink  the sink.
     */
    public SinkTransformation(final int id, final String name, final Transformation<T> input, final Sink<T> sink)
    {
        super(id, name, List.of(input));
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * @return the sink.
     */
    public Sink<T> sink()
    {
        return sink;
    }
}
