package dev.riffle.store.chronicle;

import dev.riffle.store.EntryVisitor;
import dev.riffle.store.KeyedStore;
import dev.riffle.store.ValueView;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The store on Chronicle Map: one persisted, off-heap {@code ChronicleMap<byte[], byte[]>} whose keys
 * are {@code [key group][state id][key bytes]}. Snapshots are synchronous full copies (every entry
 * written to a file on the calling thread), which is what Chronicle Map offers and what the benchmarks
 * compare the paged store's copy-on-write snapshots against.
 * <p>
 * Chronicle Map needs JVM flags on JDK 17+ (see docs/state.md) and phones home unless
 * {@code chronicle.analytics.disable=true} is set before its classes load: this class sets it in its
 * static initializer if the application has not. Owned by one writer thread; {@link #get} copies the
 * value into a view valid until the next call.
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

    private final ChronicleMap<byte[], byte[]> map;
    private final Path file;
    private final int firstKeyGroup;
    private final int lastKeyGroup;
    private final Map<String, Integer> stateIds = new LinkedHashMap<>();
    private final ValueView view = new ValueView();
    private final UnsafeBuffer viewBuffer = new UnsafeBuffer(new byte[0]);

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
     * @return the system property that keeps Chronicle from sending usage analytics.
     */
    public static String analyticsSetting()
    {
        return System.getProperty("chronicle.analytics.disable");
    }

    @Override
    public int registerState(final String name)
    {
        return stateIds.computeIfAbsent(name, n -> stateIds.size());
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

    @Override
    public void forEach(final int keyGroup, final int stateId, final EntryVisitor visitor)
    {
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
     * Writes every entry to {@code target} (CRC-32C trailer), on the calling thread.
     *
     * @param target file to write.
     * @throws IOException on failure.
     */
    public void writeFullCopy(final Path target) throws IOException
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
            out.writeLong(map.longSize());
            for (final Map.Entry<byte[], byte[]> e : map.entrySet())
            {
                out.writeInt(e.getKey().length);
                out.write(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
            out.flush();
            final long value = crc.getValue();
            out.writeLong(value);
        }
    }

    /**
     * Loads the entries of this store's key groups from full copies (one per old instance).
     *
     * @param copies files written by {@link #writeFullCopy}.
     * @throws IOException naming a file that is truncated or fails its checksum.
     */
    public void restore(final List<Path> copies) throws IOException
    {
        for (final Path copy : copies)
        {
            final CRC32C crc = new CRC32C();
            final List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
            final long stored;
            try (DataInputStream in = new DataInputStream(new CheckedInputStream(
                new BufferedInputStream(Files.newInputStream(copy), 1 << 16), crc)))
            {
                if (in.readInt() != MAGIC)
                {
                    throw new IOException("state file " + copy + " is not a Chronicle state copy");
                }
                final int states = in.readInt();
                for (int i = 0; i < states; i++)
                {
                    final String name = in.readUTF();
                    final Integer existing = stateIds.putIfAbsent(name, i);
                    if (null != existing && existing != i)
                    {
                        throw new IOException("state file " + copy + " numbers state '" + name + "' differently");
                    }
                }
                final long count = in.readLong();
                for (long i = 0; i < count; i++)
                {
                    final byte[] key = new byte[in.readInt()];
                    in.readFully(key);
                    final byte[] value = new byte[in.readInt()];
                    in.readFully(value);
                    final int kg = ByteBuffer.wrap(key).getInt();
                    if (kg >= firstKeyGroup && kg <= lastKeyGroup)
                    {
                        entries.add(Map.entry(key, value));
                    }
                }
                final long computed = crc.getValue();
                stored = new DataInputStream(in).readLong();
                if (stored != computed)
                {
                    throw new IOException("state file " + copy + " fails its checksum");
                }
            }
            catch (final java.io.EOFException ex)
            {
                throw new IOException("state file " + copy + " is truncated", ex);
            }
            for (final Map.Entry<byte[], byte[]> e : entries)
            {
                map.put(e.getKey(), e.getValue());
            }
        }
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

    private static byte[] compositeKey(final int keyGroup, final int stateId, final DirectBuffer key, final int offset,
        final int length)
    {
        final byte[] composite = new byte[8 + length];
        ByteBuffer.wrap(composite).putInt(keyGroup).putInt(stateId);
        key.getBytes(offset, composite, 8, length);
        return composite;
    }
}
