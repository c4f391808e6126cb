package dev.riffle.state.offheap;

import dev.riffle.api.state.AggregatingState;
import dev.riffle.api.state.AggregatingStateDescriptor;
import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.api.state.ReducingState;
import dev.riffle.api.state.ReducingStateDescriptor;
import dev.riffle.api.state.StateDescriptor;
import dev.riffle.api.state.TypeSerializer;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.api.state.serialization.Serializers;
import dev.riffle.api.state.serialization.UnsupportedTypeException;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;
import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.StoreOptions;
import dev.riffle.store.StoreRestore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyed state of one operator instance in a {@link PagedKeyedStore}: off the Java heap, in
 * memory-mapped pages, with O(1) copy-on-write snapshots. Keys and values are serialized with the
 * built-in serializers ({@link Serializers}); a state whose type has none fails when it is
 * registered, naming the state and the type. Confined to the task thread.
 */
final class OffHeapKeyedStateBackend implements KeyedStateBackend
{
    static final String FORMAT = "offheap-v1";

    private final KeyGroupRange keyGroups;
    private final String operatorName;
    private final Path workDirectory;
    private final StoreOptions options;
    private final CurrentKeyBytes currentKey = new CurrentKeyBytes();
    private final CollectionCodec collectionCodec = new CollectionCodec();
    private PagedKeyedStore store;

    OffHeapKeyedStateBackend(
        final KeyGroupRange keyGroups, final String operatorName, final Path workDirectory, final StoreOptions options)
    {
        this.keyGroups = keyGroups;
        this.operatorName = operatorName;
        this.workDirectory = workDirectory;
        this.options = options;
        try
        {
            this.store = PagedKeyedStore.create(workDirectory.resolve("store"), keyGroups.start(), keyGroups.end(),
                options);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the off-heap state of '" + operatorName + "' in " +
                workDirectory + ": " + ex, ex);
        }
    }

    @Override
    public void setCurrentKey(final Object key, final int keyGroup)
    {
        if (!keyGroups.contains(keyGroup))
        {
            throw new IllegalStateException("key group " + keyGroup + " of key " + key +
                " is outside this instance's range " + keyGroups);
        }
        try
        {
            currentKey.set(key, keyGroup);
        }
        catch (final UnsupportedTypeException ex)
        {
            throw new IllegalStateException("operator '" + operatorName + "': the key " + key + " cannot be stored " +
                "off heap: " + ex.getMessage(), ex);
        }
    }

    @Override
    public Object currentKey()
    {
        return currentKey.key();
    }

    @Override
    public <T> ValueState<T> valueState(final ValueStateDescriptor<T> descriptor)
    {
        return value(descriptor, descriptor.type(), descriptor.defaultValue());
    }

    @Override
    public <T> ListState<T> listState(final ListStateDescriptor<T> descriptor)
    {
        return new OffHeapListState<>(store, store.registerState(descriptor.name()), currentKey,
            serializer(descriptor, descriptor.type()), collectionCodec);
    }

    @Override
    public <UK, UV> MapState<UK, UV> mapState(final MapStateDescriptor<UK, UV> descriptor)
    {
        return new OffHeapMapState<>(store, store.registerState(descriptor.name()), currentKey,
            serializer(descriptor, descriptor.keyType()), serializer(descriptor, descriptor.type()), collectionCodec);
    }

    @Override
    public <T> ReducingState<T> reducingState(final ReducingStateDescriptor<T> descriptor)
    {
        return new OffHeapReducingState<>(value(descriptor, descriptor.type(), null), descriptor.reduceFunction());
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> aggregatingState(
        final AggregatingStateDescriptor<IN, ACC, OUT> descriptor)
    {
        return new OffHeapAggregatingState<>(value(descriptor, descriptor.type(), null), descriptor.aggregateFunction());
    }

    @Override
    public KeyedStateSnapshot snapshot(final long checkpointId)
    {
        return new OffHeapSnapshot(store.snapshot(checkpointId), keyGroups);
    }

    @Override
    public void restore(final Path checkpointDirectory, final List<KeyedStateHandle> handles) throws IOException
    {
        final List<StoreRestore.Source> sources = new ArrayList<>();
        for (final KeyedStateHandle handle : handles)
        {
            if (!FORMAT.equals(handle.format()))
            {
                throw new IOException("the off-heap backend cannot restore state of format '" + handle.format() +
                    "': restore with the backend that took the checkpoint");
            }
            if (handle.intersects(keyGroups.start(), keyGroups.end()))
            {
                sources.add(OffHeapSnapshot.source(checkpointDirectory, handle));
            }
        }
        final PagedKeyedStore restored = StoreRestore.restore(workDirectory.resolve("restored"), keyGroups.start(),
            keyGroups.end(), options, sources);
        store.close();
        store = restored;
    }

    @Override
    public void close()
    {
        store.close();
    }

    private <T> OffHeapValueState<T> value(final StateDescriptor<?> descriptor, final Class<T> type, final T defaultValue)
    {
        return new OffHeapValueState<>(store, store.registerState(descriptor.name()), currentKey,
            new StateCodec<>(serializer(descriptor, type)), defaultValue);
    }

    @SuppressWarnings("unchecked")
    private <T> TypeSerializer<T> serializer(final StateDescriptor<?> descriptor, final Class<T> type)
    {
        if (type == Object.class)
        {
            return (TypeSerializer<T>)new JavaObjectSerializer(descriptor.name());
        }
        try
        {
            return Serializers.forType(type);
        }
        catch (final UnsupportedTypeException ex)
        {
            throw new IllegalStateException("state '" + descriptor.name() + "' of operator '" + operatorName +
                "' cannot be kept off heap: " + ex.getMessage(), ex);
        }
    }
}
