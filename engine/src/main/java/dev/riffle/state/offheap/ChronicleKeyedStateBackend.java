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
import dev.riffle.api.state.serialization.Serializers;
import dev.riffle.api.state.serialization.UnsupportedTypeException;
import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.snapshot.CheckpointFiles;
import dev.riffle.state.snapshot.FileRef;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;
import dev.riffle.store.chronicle.ChronicleKeyedStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Keyed state of one operator instance in Chronicle Map, with the same state encodings as the
 * off-heap backend. Its checkpoint's synchronous phase writes a full copy of the map to a local file
 * on the task thread — O(state), the cost this backend is here to show — and the asynchronous phase
 * moves the file into the checkpoint. Confined to the task thread.
 */
final class ChronicleKeyedStateBackend implements KeyedStateBackend
{
    static final String FORMAT = "chronicle-v1";

    private final KeyGroupRange keyGroups;
    private final String operatorName;
    private final Path workDirectory;
    private final ChronicleKeyedStore store;
    private final CurrentKeyBytes currentKey = new CurrentKeyBytes();
    private final CollectionCodec collectionCodec = new CollectionCodec();

    ChronicleKeyedStateBackend(final KeyGroupRange keyGroups, final String operatorName, final Path workDirectory)
    {
        this.keyGroups = keyGroups;
        this.operatorName = operatorName;
        this.workDirectory = workDirectory;
        try
        {
            this.store = new ChronicleKeyedStore(workDirectory, keyGroups.start(), keyGroups.end(), 1_000_000);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the Chronicle state of '" + operatorName + "': " + ex, ex);
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
        currentKey.set(key, keyGroup);
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
        final Path copy = workDirectory.resolve("copy-" + checkpointId + ".state");
        try
        {
            store.writeFullCopy(copy);
        }
        catch (final IOException ex)
        {
            return (directory, prefix) ->
            {
                throw new IOException("full copy of the Chronicle state of '" + operatorName + "' failed", ex);
            };
        }
        return (directory, prefix) ->
        {
            final String name = prefix + ".chronicle";
            Files.move(copy, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            final FileRef ref = checksum(directory, name);
            return new KeyedStateHandle(keyGroups.start(), keyGroups.end(), FORMAT, List.of(ref));
        };
    }

    @Override
    public void restore(final Path checkpointDirectory, final List<KeyedStateHandle> handles) throws IOException
    {
        final List<Path> copies = new ArrayList<>();
        for (final KeyedStateHandle handle : handles)
        {
            if (!FORMAT.equals(handle.format()))
            {
                throw new IOException("the Chronicle backend cannot restore state of format '" + handle.format() +
                    "': restore with the backend that took the checkpoint");
            }
            if (handle.intersects(keyGroups.start(), keyGroups.end()))
            {
                copies.add(checkpointDirectory.resolve(handle.files().get(0).path()));
            }
        }
        store.restore(copies);
    }

    @Override
    public void close()
    {
        store.close();
        try
        {
            CheckpointFiles.deleteRecursively(workDirectory);
        }
        catch (final IOException ignore)
        {
            // best effort
        }
    }

    private static FileRef checksum(final Path directory, final String name) throws IOException
    {
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        long length = 0;
        try (var in = Files.newInputStream(directory.resolve(name)))
        {
            final byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                crc.update(buffer, 0, n);
                length += n;
            }
        }
        try (var channel = java.nio.channels.FileChannel.open(directory.resolve(name),
            java.nio.file.StandardOpenOption.WRITE))
        {
            channel.force(true);
        }
        return new FileRef(name, length, crc.getValue());
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
                "' cannot be kept in Chronicle Map: " + ex.getMessage(), ex);
        }
    }
}
