package dev.riffle.state.heap;

import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.StateBackend;

/**
 * Keyed state as Java objects in hash maps on the heap, one map per key group and state. Fast for
 * small state and for objects that are costly to serialize; it loads the garbage collector with
 * every value and is bounded by the heap. Values are stored by reference: a value must not be
 * mutated after {@code update}.
 */
public final class HeapStateBackend implements StateBackend
{
    @Override
    public KeyedStateBackend createKeyedStateBackend(
        final int operatorId,
        final String operatorName,
        final int subtask,
        final KeyGroupRange keyGroups,
        final int maxParallelism,
        final Class<?> keyType)
    {
        return new HeapKeyedStateBackend(keyGroups, operatorName);
    }

    @Override
    public void close()
    {
    }

    @Override
    public String toString()
    {
        return "HeapStateBackend";
    }
}
