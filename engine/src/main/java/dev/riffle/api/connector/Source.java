package dev.riffle.api.connector;

/**
 * A source of records: a factory of one {@link SourceReader} per parallel instance. Implement this
 * to bring your own source; the built-in ones are in {@code dev.riffle.api.connectors}.
 *
 * @param <T> record type.
 */
public interface Source<T>
{
    /**
     * @return the highest parallelism this source supports; 1 for a source that cannot be split.
     * Asking for more fails the job at execute time.
     */
    default int maxParallelism()
    {
        return 1;
    }

    /**
     * Called once per parallel instance on the task thread, before the first poll.
     *
     * @param context which instance this is.
     * @return the reader for that instance; owned and closed by the runtime.
     * @throws Exception if the source cannot be opened; fails the job naming the source.
     */
    SourceReader<T> createReader(SourceContext context) throws Exception;
}
