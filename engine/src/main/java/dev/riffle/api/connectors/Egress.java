package dev.riffle.api.connectors;

import dev.riffle.api.functions.Function;

/**
 * Where a job hands its results to the host application, through an {@link EgressSink}.
 * <p>
 * Called on the sink's task thread: one thread per parallel instance, so with parallelism above one
 * {@link #accept(Object)} runs concurrently on several threads and must be thread-safe. It must not
 * block for long: while it runs, the sink reads nothing and backpressure builds up to the sources.
 * To hand records to another thread, put them in a queue the host owns.
 *
 * @param <T> record type.
 */
@FunctionalInterface
public interface Egress<T> extends Function
{
    /**
     * @param record the record, never null; owned by the stream, do not mutate it. It may be kept.
     * @throws Exception on any host error; fails the job naming the sink.
     */
    void accept(T record) throws Exception;

    /**
     * Called once, on the task thread of the last instance to reach end of input, after every
     * instance's last {@link #accept(Object)}. Not called if the job fails or is cancelled.
     *
     * @throws Exception on any host error; fails the job.
     */
    default void onEnd() throws Exception
    {
    }
}
