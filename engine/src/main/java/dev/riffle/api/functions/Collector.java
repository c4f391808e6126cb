package dev.riffle.api.functions;

/**
 * Where a function emits its results. A collector belongs to the task thread that passed it in: it
 * must not be kept beyond the call nor used from another thread. A record handed to
 * {@link #collect(Object)} now belongs to the stream: do not mutate it afterwards, because a
 * downstream task on another thread may read it later.
 *
 * @param <T> record type.
 */
@FunctionalInterface
public interface Collector<T>
{
    /**
     * Emits one record. May wait (backpressure) while a downstream channel is full.
     *
     * @param record the record, not null.
     * @throws NullPointerException if record is null.
     */
    void collect(T record);
}
