package dev.riffle.state.heap;

import dev.riffle.api.state.AggregatingState;
import dev.riffle.api.state.AggregatingStateDescriptor;
import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.LongValueState;
import dev.riffle.api.state.LongValueStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.api.state.ReducingState;
import dev.riffle.api.state.ReducingStateDescriptor;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The heap keyed state of one operator instance. Confined to the task thread, except the
 * {@link KeyedStateSnapshot} it returns, which owns a private copy.
 */
final class HeapKeyedStateBackend implements KeyedStateBackend
{
    private final KeyGroupRange keyGroups;
    private final String operatorName;
    private final CurrentKey currentKey = new CurrentKey();
    private final Map<String, KeyGroupedMap<?>> states = new LinkedHashMap<>();
    private Map<String, HashMap<Object, Object>[]> restored = Map.of();

    HeapKeyedStateBackend(final KeyGroupRange keyGroups, final String operatorName)
    {
        this.keyGroups = keyGroups;
        this.operatorName = operatorName;
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
        return new HeapValueState<>(entries(descriptor.name()), descriptor.defaultValue());
    }

    @Override
    public LongValueState longValueState(final LongValueStateDescriptor descriptor)
    {
        return new HeapLongValueState(entries(descriptor.name()), descriptor.defaultValue());
    }

    @Override
    public <T> ListState<T> listState(final ListStateDescriptor<T> descriptor)
    {
        return new HeapListState<>(entries(descriptor.name()));
    }

    @Override
    public <UK, UV> MapState<UK, UV> mapState(final MapStateDescriptor<UK, UV> descriptor)
    {
        return new HeapMapState<>(entries(descriptor.name()));
    }

    @Override
    public <T> ReducingState<T> reducingState(final ReducingStateDescriptor<T> descriptor)
    {
        return new HeapReducingState<>(entries(descriptor.name()), descriptor.reduceFunction());
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> aggregatingState(
        final AggregatingStateDescriptor<IN, ACC, OUT> descriptor)
    {
        return new HeapAggregatingState<>(entries(descriptor.name()), descriptor.aggregateFunction());
    }

    @Override
    public KeyedStateSnapshot snapshot(final long checkpointId)
    {
        return HeapSnapshotFormat.capture(states, keyGroups, operatorName);
    }

    @Override
    public void restore(final Path checkpointDirectory, final List<KeyedStateHandle> handles) throws IOException
    {
        if (!states.isEmpty())
        {
            throw new IllegalStateException("restore must come before any state of '" + operatorName + "' is used");
        }
        restored = HeapSnapshotFormat.read(checkpointDirectory, handles, keyGroups);
    }

    @Override
    public void close()
    {
        states.clear();
    }

    @SuppressWarnings("unchecked")
    private <V> KeyGroupedMap<V> entries(final String name)
    {
        final KeyGroupedMap<V> entries = new KeyGroupedMap<>(keyGroups.size(), currentKey);
        final HashMap<Object, Object>[] restoredGroups = restored.get(name);
        if (null != restoredGroups)
        {
            for (int i = 0; i < restoredGroups.length; i++)
            {
                if (null != restoredGroups[i])
                {
                    entries.restoreKeyGroup(i, (HashMap<Object, V>)(HashMap<?, ?>)restoredGroups[i]);
                }
            }
        }
        states.put(name, entries);
        return entries;
    }
}
