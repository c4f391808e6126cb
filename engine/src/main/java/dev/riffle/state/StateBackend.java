package dev.riffle.state;

import dev.riffle.api.RiffleConfig;

/**
 * Where a job keeps its keyed state: a factory of one {@link KeyedStateBackend} per keyed operator
 * instance. One instance per job, created before the tasks start and closed after they all ended.
 * {@link #createKeyedStateBackend} is called from task threads (each for its own instance), so
 * implementations must make it thread-safe.
 */
public interface StateBackend extends AutoCloseable
{
    /**
     * @param operatorId     stable id of the operator within the job (its logical node id).
     * @param operatorName   operator name, for errors.
     * @param subtask        instance index.
     * @param keyGroups      the key groups this instance owns.
     * @param maxParallelism total number of key groups.
     * @param keyType        the class of every key, as the operator's {@code keyBy} declared it, or
     *                       {@code Object} if undeclared; a backend may keep state in a form made for it.
     * @return a backend owned by the calling task thread.
     * @throws IllegalStateException if the backend cannot keep keys of a declared type.
     */
    KeyedStateBackend createKeyedStateBackend(
        int operatorId, String operatorName, int subtask, KeyGroupRange keyGroups, int maxParallelism,
        Class<?> keyType);

    /**
     * A backend for keys of any type: {@link #createKeyedStateBackend(int, String, int, KeyGroupRange, int,
     * Class)} with {@code Object}.
     *
     * @return a backend owned by the calling task thread.
     */
    default KeyedStateBackend createKeyedStateBackend(
        final int operatorId, final String operatorName, final int subtask, final KeyGroupRange keyGroups,
        final int maxParallelism)
    {
        return createKeyedStateBackend(operatorId, operatorName, subtask, keyGroups, maxParallelism, Object.class);
    }

    /**
     * Releases everything the backend holds (files in a temporary state directory included).
     */
    @Override
    void close();

    /**
     * @param config the job configuration.
     * @return the backend selected by {@link RiffleConfig#stateBackend()}.
     * @throws UnsupportedOperationException if that backend is not available in this build.
     */
    static StateBackend fromConfig(final RiffleConfig config)
    {
        return switch (config.stateBackend())
        {
            case HEAP -> new dev.riffle.state.heap.HeapStateBackend();
            case OFF_HEAP -> new dev.riffle.state.offheap.OffHeapStateBackend(
                config.stateDirectory(), dev.riffle.store.StoreOptions.DEFAULT);
            case CHRONICLE -> new dev.riffle.state.offheap.ChronicleMapStateBackend(config.stateDirectory());
        };
    }
}
