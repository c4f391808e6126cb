package dev.riffle.api.connector;

/**
 * A destination of records: a factory of one {@link SinkWriter} per parallel instance. Implement this
 * to bring your own sink; the built-in ones are in {@code dev.riffle.api.connectors}.
 *
 * @param <T> record type.
 */
public interface Sink<T>
{
    /**
     * Called once per parallel instance on the task thread before the first record.
     *
     * @param context which instance this is.
     * @return the writer; owned and closed by the runtime.
     * @throws Exception if the sink cannot be opened; fails the job naming the sink.
     */
    SinkWriter<T> createWriter(SinkContext context) throws Exception;
}
