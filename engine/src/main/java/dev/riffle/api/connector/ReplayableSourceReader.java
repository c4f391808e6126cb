package dev.riffle.api.connector;


/**
 * A {@link SourceReader} that can tell where it is, for {@link ReplayableSource#createReader(
 * dev.riffle.api.connector.SourceContext, long)}. Called by the task thread that owns the reader,
 * between polls.
 *
 * @param <T> record type.
 */
public interface ReplayableSourceReader<T> extends SourceReader<T>
{
    /**
     * @return the position of the next record this reader would emit (an index or a byte offset, as
     * the source documents); everything before it has been emitted.
     */
    long position();
}
