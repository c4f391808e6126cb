package dev.riffle.api;

/**
 * Where keyed state lives. Selected with {@link RiffleConfig#stateBackend(StateBackendType)}.
 */
public enum StateBackendType
{
    /** Java objects in heap hash maps: fastest to start, loads the GC with state size. */
    HEAP,
    /** Riffle's memory-mapped off-heap store with incremental copy-on-write snapshots. */
    OFF_HEAP,
    /** Chronicle Map (optional dependency), persisted off-heap, full synchronous snapshots. */
    CHRONICLE
}
