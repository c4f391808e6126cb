package dev.riffle.api.connector;

/**
 * Writes the records of one parallel instance of a sink. Called only by the task thread that owns it.
 *
 * @param <T> record type.
 */
public interface SinkWriter<T> extends AutoCloseable
{
    /**
     * @param record the record; owned by the stream, do not mutate it.
     * @throws Exception on a write error; fails the job (or restarts it) naming the sink.
     */
    void write(T record) throws Exception;

    /**
     * Called once when the input has ended, before {@link #close()}: make everything written durable
     * or visible. Not called on cancellation or failure.
     *
     * @throws Exception on error; fails the job.
     */
    default void finish() throws Exception
    {
    }

    /**
     * Releases resources. Called once, after finish, cancellation or failure.
     *
     * @throws Exception on error; reported but does not hide an earlier failure.
     */
    @Override
    default void close() throws Exception
    {
    }
}
