package dev.riffle.api.connector;

import dev.riffle.api.functions.Collector;

/**
 * Reads records for one parallel instance of a source. All methods are called by the one task thread
 * that owns the reader. {@link #poll(Collector, int)} must not block for long: a source with
 * nothing to emit returns 0 and the task's idle strategy decides how to wait.
 *
 * @param <T> record type.
 */
public interface SourceReader<T> extends AutoCloseable
{
    /**
     * Returned by {@link #poll(Collector, int)} when the reader has emitted its last record.
     */
    int END_OF_INPUT = -1;

    /**
     * Emits up to {@code maxRecords} records.
     *
     * @param output     where records go; valid only during this call.
     * @param maxRecords upper bound on records emitted by this call, at least 1.
     * @return the number of records emitted (0 if none is available now), or {@link #END_OF_INPUT}
     * once every record has been emitted; after that it is not called again.
     * @throws Exception on a read error; fails the job (or restarts it) naming the source.
     */
    int poll(Collector<T> output, int maxRecords) throws Exception;

    /**
     * Releases resources. Called once, after end of input, cancellation or failure.
     *
     * @throws Exception on a close error; reported but does not hide an earlier failure.
     */
    @Override
    default void close() throws Exception
    {
    }
}
