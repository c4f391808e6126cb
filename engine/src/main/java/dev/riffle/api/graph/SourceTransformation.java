package dev.riffle.api.graph;

import dev.riffle.api.connector.Source;

import java.util.List;
import java.util.Objects;

/**
 * A node that reads records from a {@link Source}.
 *
 * @param <T> record type.
 */
public final class SourceTransformation<T> extends Transformation<T>
{
    private final Source<T> source;

    /**
     * @param id     node id.
     * @param name   node name.
     * @param source the source.
     */
    public SourceTransformation(final int id, final String name, final Source<T> source)
    {
        super(id, name, List.of());
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * @return the source.
     */
    public Source<T> source()
    {
        return source;
    }
}
