package dev.riffle.store.chronicle;

import dev.riffle.store.CorruptSnapshotException;
import dev.riffle.store.EntryVisitor;
import dev.riffle.store.KeyedStore;
import dev.riffle.store.SnapshotHandle;
import dev.riffle.store.SnapshotResult;
import dev.riffle.store.StoreManifest;
import dev.riffle.store.ValueView;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The store on Chronicle Map: one persisted, off-heap {@code ChronicleMap<byte[], byte[]>} whose keys
 * are {@code [key group][state id][key bytes]}. Snapshots are synchronous full copies (every entry
 * written to a file on the calling thread, then the future is already complete), which is what Chronicle
 * Map offers and what the benchmarks compare the paged store's copy-on-write snapshots against.
 * <p>
 * Chronicle Map needs JVM flags on JDK 17+ (see docs/state.md) and sends usage analytics unless
 * {@code chronicle.analytics.disable=true} is set before its classes load: this class sets it in its
 * static initializer if the application has not (its own initializer runs before it touches any
 * Chronicle class). Owned by one writer thread; every operation allocates (Chronicle's {@code byte[]}
 * keys and values); {@link #get} copies the value into a view valid until the next call.
 */
public final class ChronicleKeyedStore implements KeyedStore
{
    static
    {
        if (null == System.getProperty("chronicle.analytics.disable"))
        {
            System.setProperty("chronicle.analytics.disable", "true");
        }
    }

    private static final int MAGIC = 0x52464348; // "RFCH"
    private static final int MAX_ENTRY = 1 << 20;

    private final ChronicleMap<byte[], byte[]> map;
    private final Path file;
    private final int firstKeyGroup;
    private final int lastKeyGroup;
    private final Map<String, Integer> stateIds = new LinkedHashMap<>();
    /** Ids of the long states ({@link #registerLongState}). */
    private final BitSet longStates = new BitSet();
    private final Map<Long, Path> snapshots = new HashMap<>();
    private final ValueView view = new ValueView();
    private final UnsafeBuffer viewBuffer = new UnsafeBuffer(new byte[0]);
    private final UnsafeBuffer longBuffer = new UnsafeBuffer(new byte[Long.BYTES]);

    /**
     * @param directory     where the map's file goes; deleted on close.
     * @param firstKeyGroup first key group.
     * @param lastKeyGroup  last key group.
     * @param entries       expected entries (Chronicle sizes its segments from it; it may grow ~10×).
     * @throws IOException if the map cannot be created.
     */
    public ChronicleKeyedStore(final Path directory, final int firstKeyGroup, final int lastKeyGroup,
        final long entries) throws IOException
    {
        if (firstKeyGroup < 0 || lastKeyGroup < firstKeyGroup)
        {
            throw new IllegalArgumentException("bad key group range [" + firstKeyGroup + ", " + lastKeyGroup + "]");
        }
        this.firstKeyGroup = firstKeyGroup;
        this.lastKeyGroup = lastKeyGroup;
        this.file = Files.createDirectories(directory).resolve("state.chronicle");
        this.map = ChronicleMap.of(byte[].class, byte[].class)
            .name("riffle-state")
            .entries(entries)
            .averageKeySize(24)
            .averageValueSize(16)
            .maxBloatFactor(10.0)
            .createPersistedTo(file.toFile());
    }

    /**
     * Opens a store holding the entries of its key-group range from full copies.
     *
     * @param copies        files written by {@link #snapshot(long, Path)} or {@link #writeFullCopy}.
     * @param directory     where the new map's file goes.
     * @param firstKeyGroup first key group.
     * @param lastKeyGroup  last key group.
     * @param entries       expected entries.
     * @return the store.
     * @throws IOException naming a file that is missing, truncated or fails its checksum.
     */
    public static ChronicleKeyedStore restore(final List<Path> copies, final Path directory, final int firstKeyGroup,
        final int lastKeyGroup, final long entries) throws IOException
    {
        final ChronicleKeyedStore store = new ChronicleKeyedStore(directory, firstKeyGroup, lastKeyGroup, entries);
        try
        {
            store.restore(copies);
            return store;
        }
        catch (final IOException | RuntimeException ex)
        {
            store.close();
            throw ex;
        }
    }

    /**
     * @return the system property that keeps Chronicle from sending usage analytics.
     */
    public static String analyticsSetting()
    {
        return System.getProperty("chronicle.analytics.disable");
    }

    @Override
    public int firstKeyGroup()
    {
        return firstKeyGroup;
    }

    @Override
    public int lastKeyGroup()
    {
        return lastKeyGroup;
    }

    @Override
    public int registerState(final String name)
    {
        return stateIds.computeIfAbsent(name, n -> stateIds.size());
    }

    /**
     * Chronicle Map keeps every state alike: a long state is a byte state whose keys and values must be
     * 8 bytes long. A byte state's name may be registered again as a long state (a copy restored records
     * names only).
     */
    @Override
    public int registerLongState(final String name)
    {
        final int id = registerState(name);
        longStates.set(id);
        return id;
    }

    @Override
    public boolean isLongState(final int stateId)
    {
        return stateId >= 0 && longStates.get(stateId);
    }

    @Override
    public List<String> stateNames()
    {
        return List.copyOf(stateIds.keySet());
    }

    @Override
    public int maxEntrySize()
    {
        return MAX_ENTRY;
    }

    @Override
    public long getLong(final int keyGroup, final int stateId, final long key, final long missingValue)
    {
        longBuffer.putLong(0, key);
        return getLong(keyGroup, stateId, longBuffer, 0, Long.BYTES, missingValue);
    }

    @Override
    public void putLong(final int keyGroup, final int stateId, final long key, final long value)
    {
        map.put(compositeKey(keyGroup, stateId, key), longBytes(value));
    }

    @Override
    public long addLong(final int keyGroup, final int stateId, final long key, final long delta)
    {
        longBuffer.putLong(0, key);
        return addLong(keyGroup, stateId, longBuffer, 0, Long.BYTES, delta);
    }

    @Override
    public boolean removeLong(final int keyGroup, final int stateId, final long key)
    {
        return null != map.remove(compositeKey(keyGroup, stateId, key));
    }

    @Override
    public long getLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long missingValue)
    {
        final byte[] value = map.get(compositeKey(keyGroup, stateId, key, keyOffset, keyLength));
        return null == value ? missingValue : longOf(value);
    }

    @Override
    public void putLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long value)
    {
        map.put(compositeKey(keyGroup, stateId, key, keyOffset, keyLength), longBytes(value));
    }

    @Override
    public long addLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long delta)
    {
        final byte[] composite = compositeKey(keyGroup, stateId, key, keyOffset, keyLength);
        final byte[] current = map.get(composite);
        final long value = (null == current ? 0 : longOf(current)) + delta;
        map.put(composite, longBytes(value));
        return value;
    }

    @Override
    public ValueView get(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        final byte[] value = map.get(compositeKey(keyGroup, stateId, key, keyOffset, keyLength));
        if (null == value)
        {
            return null;
        }
        viewBuffer.wrap(value);
        view.wrap(viewBuffer, 0, value.length);
        return view;
    }

    @Override
    public void put(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        if (keyLength < 0 || valueLength < 0 || keyLength + valueLength > MAX_ENTRY)
        {
            throw new IllegalArgumentException("entry of " + keyLength + " + " + valueLength +
                " bytes exceeds the store's limit of " + MAX_ENTRY + " bytes");
        }
        checkLongState(stateId, "values", valueLength);
        final byte[] bytes = new byte[valueLength];
        value.getBytes(valueOffset, bytes);
        map.put(compositeKey(keyGroup, stateId, key, keyOffset, keyLength), bytes);
    }

    @Override
    public boolean remove(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        return null != map.remove(compositeKey(keyGroup, stateId, key, keyOffset, keyLength));
    }

    /**
     * Visits the entries of one state in one key group: a scan of the whole map (Chronicle has no order
     * by key group), allocating per entry.
     */
    @Override
    public void forEach(final int keyGroup, final int stateId, final EntryVisitor visitor)
    {
        checkKeyGroup(keyGroup);
        final UnsafeBuffer k = new UnsafeBuffer(new byte[0]);
        final UnsafeBuffer v = new UnsafeBuffer(new byte[0]);
        for (final Map.Entry<byte[], byte[]> e : map.entrySet())
        {
            final ByteBuffer header = ByteBuffer.wrap(e.getKey());
            final int kg = header.getInt();
            final int state = header.getInt();
            if (kg == keyGroup && (stateId < 0 || state == stateId))
            {
                k.wrap(e.getKey());
                v.wrap(e.getValue());
                visitor.accept(kg, state, k, 8, e.getKey().length - 8, v, 0, e.getValue().length);
            }
        }
    }

    /**
     * A synchronous full copy into {@code <targetDirectory>/chronicle-<snapshotId>.copy}, on the calling
     * thread: the returned future is already complete. The copy is its own manifest.
     */
    @Override
    public SnapshotHandle snapshot(final long snapshotId, final Path targetDirectory)
    {
        final CompletableFuture<SnapshotResult> result = new CompletableFuture<>();
        try
        {
            final Path copy = Files.createDirectories(targetDirectory).resolve("chronicle-" + snapshotId + ".copy");
            final long crc = writeCopy(copy);
            final long length = Files.size(copy);
            snapshots.put(snapshotId, copy);
            result.complete(new SnapshotResult(copy,
                List.of(new StoreManifest.DataFile(copy.getFileName().toString(), length, crc)), 0, 0, 0, length));
        }
        catch (final IOException | RuntimeException ex)
        {
            result.completeExceptionally(ex);
        }
        return new SnapshotHandle(snapshotId, result);
    }

    /**
     * Deletes the full copy of a snapshot (full copies share nothing).
     */
    @Override
    public CompletableFuture<Integer> subsume(final long snapshotId)
    {
        final Path copy = snapshots.remove(snapshotId);
        try
        {
            return CompletableFuture.completedFuture(null != copy && Files.deleteIfExists(copy) ? 1 : 0);
        }
        catch (final IOException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
    }

    /**
     * Writes every entry to {@code target} (CRC-32C trailer), on the calling thread.
     *
     * @param target file to write.
     * @throws IOException on failure.
     */
    public void writeFullCopy(final Path target) throws IOException
    {
        writeCopy(target);
    }

    private long writeCopy(final Path target) throws IOException
    {
        final CRC32C crc = new CRC32C();
        try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
            new BufferedOutputStream(Files.newOutputStream(target), 1 << 16), crc)))
        {
            out.writeInt(MAGIC);
            out.writeInt(stateIds.size());
            for (final String name : stateIds.keySet())
            {
                out.writeUTF(name);
            }
            final List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>(map.entrySet());
            out.writeLong(entries.size());
            for (final Map.Entry<byte[], byte[]> e : entries)
            {
                out.writeInt(e.getKey().length);
                out.write(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
            out.flush();
            final long value = crc.getValue();
            out.writeLong(value);
            return value;
        }
    }

    /**
     * Loads the entries of this store's key groups from full copies (one per old instance).
     *
     * @param copies files written by {@link #writeFullCopy}.
     * @throws IOException naming a file that is missing, truncated or fails its checksum
     *                     ({@link CorruptSnapshotException}).
     */
    public void restore(final List<Path> copies) throws IOException
    {
        for (final Path copy : copies)
        {
            final List<Map.Entry<byte[], byte[]>> entries = read(copy);
            for (final Map.Entry<byte[], byte[]> e : entries)
            {
                map.put(e.getKey(), e.getValue());
            }
        }
    }

    private List<Map.Entry<byte[], byte[]>> read(final Path copy) throws IOException
    {
        final CRC32C crc = new CRC32C();
        final List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new CheckedInputStream(
            new BufferedInputStream(Files.newInputStream(copy), 1 << 16), crc)))
        {
            if (in.readInt() != MAGIC)
            {
                throw new CorruptSnapshotException(copy, "is not a Chronicle state copy", null);
            }
            final int states = in.readInt();
            if (states < 0)
            {
                throw new CorruptSnapshotException(copy, "is damaged (state count " + states + ")", null);
            }
            // the copy's own state numbering, translated by name: copies of instances that registered
            // their states in different orders restore side by side
            final int[] ids = new int[states];
            for (int i = 0; i < states; i++)
            {
                ids[i] = registerState(in.readUTF());
            }
            final long count = in.readLong();
            for (long i = 0; i < count; i++)
            {
                final byte[] key = readBytes(in, copy);
                final byte[] value = readBytes(in, copy);
                if (key.length < 2 * Integer.BYTES)
                {
                    throw new CorruptSnapshotException(copy, "is damaged (key of " + key.length + " bytes)", null);
                }
                final ByteBuffer header = ByteBuffer.wrap(key);
                final int kg = header.getInt(0);
                final int state = header.getInt(Integer.BYTES);
                if (state < 0 || state >= states)
                {
                    throw new CorruptSnapshotException(copy, "is damaged (state id " + state + ")", null);
                }
                if (kg >= firstKeyGroup && kg <= lastKeyGroup)
                {
                    header.putInt(Integer.BYTES, ids[state]);
                    entries.add(Map.entry(key, value));
                }
            }
            final long computed = crc.getValue();
            if (in.readLong() != computed)
            {
                throw new CorruptSnapshotException(copy, "fails its checksum", null);
            }
        }
        catch (final NoSuchFileException ex)
        {
            throw new CorruptSnapshotException(copy, "is missing", ex);
        }
        catch (final EOFException ex)
        {
            throw new CorruptSnapshotException(copy, "is truncated", ex);
        }
        return entries;
    }

    private static byte[] readBytes(final DataInputStream in, final Path copy) throws IOException
    {
        final int length = in.readInt();
        if (length < 0 || length > MAX_ENTRY + 8)
        {
            throw new CorruptSnapshotException(copy, "is damaged (entry length " + length + ")", null);
        }
        final byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    @Override
    public void close()
    {
        map.close();
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void checkKeyGroup(final int keyGroup)
    {
        if (keyGroup < firstKeyGroup || keyGroup > lastKeyGroup)
        {
            throw new IllegalArgumentException("key group " + keyGroup + " is outside this store's range [" +
                firstKeyGroup + ", " + lastKeyGroup + "]");
        }
    }

    private byte[] compositeKey(final int keyGroup, final int stateId, final long key)
    {
        longBuffer.putLong(0, key);
        return compositeKey(keyGroup, stateId, longBuffer, 0, Long.BYTES);
    }

    private byte[] compositeKey(final int keyGroup, final int stateId, final DirectBuffer key, final int offset,
        final int length)
    {
        checkKeyGroup(keyGroup);
        checkLongState(stateId, "keys", length);
        final byte[] composite = new byte[8 + length];
        ByteBuffer.wrap(composite).putInt(keyGroup).putInt(stateId);
        key.getBytes(offset, composite, 8, length);
        return composite;
    }

    private void checkLongState(final int stateId, final String what, final int length)
    {
        if (length != Long.BYTES && stateId >= 0 && longStates.get(stateId))
        {
            throw new IllegalArgumentException("state '" + stateNames().get(stateId) + "' is a long state: its " +
                what + " are 8 bytes, not " + length);
        }
    }

    private static byte[] longBytes(final long value)
    {
        final byte[] bytes = new byte[Long.BYTES];
        new UnsafeBuffer(bytes).putLong(0, value);
        return bytes;
    }

    private static long longOf(final byte[] value)
    {
        if (value.length != Long.BYTES)
        {
            throw new IllegalStateException("entry holds a " + value.length + "-byte value, not an 8-byte long");
        }
        return new UnsafeBuffer(value).getLong(0);
    }
}
