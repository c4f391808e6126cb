package dev.riffle.state.heap;

import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.snapshot.CheckpointFiles;
import dev.riffle.state.snapshot.FileRef;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Snapshot format of the heap backend ({@code heap-v1}): one file per operator instance, a block per
 * non-empty key group — {@code [int keyGroup][int length][Java-serialized Map<state name, Map<key,
 * value>>]} — so a restore at another parallelism reads the blocks of its own key groups only.
 * <p>
 * The synchronous phase serializes every key group to bytes on the task thread: a full copy, which
 * is what isolates the snapshot from later updates (values are mutable objects). It costs the task
 * time proportional to the state size; the off-heap backend's copy-on-write snapshot does not.
 * Keys and values must be {@link java.io.Serializable}.
 */
final class HeapSnapshotFormat
{
    static final String FORMAT = "heap-v1";
    private static final int MAGIC = 0x52464853; // "RFHS"

    private HeapSnapshotFormat()
    {
    }

    static KeyedStateSnapshot capture(
        final Map<String, KeyGroupedMap<?>> states, final KeyGroupRange range, final String operatorName)
    {
        final List<int[]> groups = new ArrayList<>();
        final List<byte[]> blocks = new ArrayList<>();
        for (int index = 0; index < range.size(); index++)
        {
            final Map<String, HashMap<?, ?>> perState = new LinkedHashMap<>();
            for (final Map.Entry<String, KeyGroupedMap<?>> state : states.entrySet())
            {
                final HashMap<?, ?> entries = state.getValue().keyGroup(index);
                if (null != entries && !entries.isEmpty())
                {
                    perState.put(state.getKey(), entries);
                }
            }
            if (!perState.isEmpty())
            {
                groups.add(new int[]{range.start() + index});
                blocks.add(serialize(perState, operatorName));
            }
        }
        return (directory, prefix) ->
        {
            final String name = prefix + ".heap";
            final FileRef file = CheckpointFiles.write(directory, name, out ->
            {
                final DataOutputStream data = new DataOutputStream(out);
                data.writeInt(MAGIC);
                data.writeInt(blocks.size());
                for (int i = 0; i < blocks.size(); i++)
                {
                    data.writeInt(groups.get(i)[0]);
                    data.writeInt(blocks.get(i).length);
                    data.write(blocks.get(i));
                }
                data.flush();
            });
            return new KeyedStateHandle(range.start(), range.end(), FORMAT, List.of(file));
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Map<String, HashMap<Object, Object>[]> read(
        final Path directory, final List<KeyedStateHandle> handles, final KeyGroupRange range) throws IOException
    {
        final Map<String, HashMap<Object, Object>[]> restored = new HashMap<>();
        for (final KeyedStateHandle handle : handles)
        {
            if (!FORMAT.equals(handle.format()))
            {
                throw new IOException("the heap backend cannot restore state of format '" + handle.format() +
                    "': restore with the backend that took the checkpoint");
            }
            if (!handle.intersects(range.start(), range.end()))
            {
                continue;
            }
            for (final FileRef file : handle.files())
            {
                try (DataInputStream in = new DataInputStream(
                    new java.io.BufferedInputStream(Files.newInputStream(directory.resolve(file.path())))))
                {
                    if (in.readInt() != MAGIC)
                    {
                        throw new IOException(directory.resolve(file.path()) + " is not a heap state file");
                    }
                    final int count = in.readInt();
                    for (int i = 0; i < count; i++)
                    {
                        final int keyGroup = in.readInt();
                        final byte[] block = new byte[in.readInt()];
                        in.readFully(block);
                        if (!range.contains(keyGroup))
                        {
                            continue;
                        }
                        final Map<String, HashMap<Object, Object>> perState =
                            (Map<String, HashMap<Object, Object>>)deserialize(block);
                        for (final Map.Entry<String, HashMap<Object, Object>> e : perState.entrySet())
                        {
                            restored.computeIfAbsent(e.getKey(), k -> new HashMap[range.size()])
                                [keyGroup - range.start()] = e.getValue();
                        }
                    }
                }
            }
        }
        return restored;
    }

    private static byte[] serialize(final Object value, final String operatorName)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        catch (final NotSerializableException ex)
        {
            throw new IllegalStateException("heap state of operator '" + operatorName + "' holds a " +
                ex.getMessage() + ", which is not Serializable: checkpoints of the heap backend need " +
                "serializable keys and values", ex);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot snapshot heap state of operator '" + operatorName + "'", ex);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(final byte[] block) throws IOException
    {
        try (ObjectInputStream in = new ContextObjectInputStream(new java.io.ByteArrayInputStream(block)))
        {
            return in.readObject();
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IOException("a class of the restored state is missing: " + ex.getMessage(), ex);
        }
    }

    private static final class ContextObjectInputStream extends ObjectInputStream
    {
        ContextObjectInputStream(final InputStream in) throws IOException
        {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(final ObjectStreamClass desc) throws IOException, ClassNotFoundException
        {
            final ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (null != loader)
            {
                try
                {
                    return Class.forName(desc.getName(), false, loader);
                }
                catch (final ClassNotFoundException ignore)
                {
                    // fall back to the default resolution
                }
            }
            return super.resolveClass(desc);
        }
    }
}
