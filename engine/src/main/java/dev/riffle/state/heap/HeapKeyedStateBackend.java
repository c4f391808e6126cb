package dev.riffle.state.heap;

import dev.riffle.api.state.AggregatingState;
import dev.riffle.api.state.AggregatingStateDescriptor;
import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.api.state.ReducingState;
import dev.riffle.api.state.ReducingStateDescriptor;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyedStateBackend;

/**
 * The heap keyed state of one operator instance. Confined to the task thread.
 */
final class HeapKeyedStateBackend implements KeyedStateBackend
{
    private final KeyGroupRange keyGroups;
    private final CurrentKey currentKey = new CurrentKey();

    HeapKeyedStateBackend(final KeyGroupRange keyGroups)
    {
        this.keyGroups = keyGroups;
    }

    @Override
    public void setCurrentKey(final Object key, final int keyGroup)
    {
        if (!keyGroups.contains(keyGroup))
        {
            throw new IllegalStateException("key group " + keyGroup + " of key " + key +
                " is outside this instance's range " + keyGroups);
        }
        currentKey.set(key, keyGroup - keyGroups.start());
    }

    @Override
    public Object currentKey()
    {
        return currentKey.key();
    }

    @Override
    public <T> ValueState<T> valueState(final ValueStateDescriptor<T> descriptor)
    {
        return new HeapValueState<>(new KeyGroupedMap<>(keyGroups.size(), currentKey), descriptor.defaultValue());
    }

    @Override
    public <T> ListState<T> listState(final ListStateDescriptor<T> descriptor)
    {
        return new HeapListState<>(new KeyGroupedMap<>(keyGroups.size(), currentKey));
    }

    @Override
    public <UK, UV> MapState<UK, UV> mapState(final MapStateDescriptor<UK, UV> descriptor)
    {
        return new HeapMapState<>(new KeyGroupedMap<>(keyGroups.size(), currentKey));
    }

    @Override
    public <T> ReducingState<T> reducingState(final ReducingStateDescriptor<T> descriptor)
    {
        return new HeapReducingState<>(new KeyGroupedMap<>(keyGroups.size(), currentKey), descriptor.reduceFunction());
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> aggregatingState(
        final AggregatingStateDescriptor<IN, ACC, OUT> descriptor)
    {
        return new HeapAggregatingState<>(
            new KeyGroupedMap<>(keyGroups.size(), currentKey), descriptor.aggregateFunction());
    }

    @Override
    public void close()
    {
    }
}
