package dev.riffle.store;

import org.agrona.ExpandableArrayBuffer;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Binary manifest: magic, version, fields of {@link StoreManifest} (files as a table; per key group its
 * distinct page chains, each record as file index and offset, then the directory as chain indices),
 * then a CRC-32C of everything before. Written to a temporary file, forced, and
 * renamed atomically; read back only if magic, version and checksum all match.
 */
final class StoreManifestFormat
{
    private static final int MAGIC = 0x52465354; // "RFST"
    /**
     * 3: pages saved as chains of records ({@link PageRecords}) with a change map in every page;
     * 4: cells with a 20-byte payload and 16-bit lengths ({@link BucketPage});
     * 5: an 8-byte key hashed by the finaliser alone and a key's last 1–7 bytes in one round
     * ({@link EntryHash}), which moves entries within their pages;
     * 6: full page images without their all-zero 32-byte chunks ({@link PageRecords});
     * 7: long → long cells of page images and deltas reduced to key and value ({@link PageImages});
     * 8: deltas carry lines in which only inline values changed as those values ({@link ValueLines});
     * 9: long states ({@link LongPage}): their ids after the state names, and per directory its state.
     * Earlier versions' pages are not readable.
     */
    private static final int VERSION = 9;

    private StoreManifestFormat()
    {
    }

    /**
     * Writes the manifest to a temporary file beside {@code file}, forces it and renames it atomically.
     * <p>
     * This runs once per snapshot on the snapshot thread, so it is kept to small methods and an unlocked
     * buffer: one large method with nested loops costs the JIT several compilations (one per loop it
     * enters hot, each of the whole method) of hundreds of milliseconds of CPU, which on a machine with
     * few cores the task threads pay for the first minute of a job.
     */
    static void write(final StoreManifest manifest, final Path file) throws IOException
    {
        final ManifestOutput out = new ManifestOutput();
        try (DataOutputStream data = new DataOutputStream(out))
        {
            writeHeader(data, manifest);
            final Map<String, Integer> fileIndex = writeFiles(data, manifest.files());
            data.writeInt(manifest.keyGroups().size());
            for (final StoreManifest.KeyGroupPages group : manifest.keyGroups())
            {
                writeKeyGroup(data, group, fileIndex);
            }
        }
        final CRC32C crc = new CRC32C();
        crc.update(out.buffer.byteArray(), 0, out.length);
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer[] buffers = {
                ByteBuffer.wrap(out.buffer.byteArray(), 0, out.length),
                ByteBuffer.allocate(Long.BYTES).putLong(0, crc.getValue())};
            while (buffers[1].hasRemaining())
            {
                channel.write(buffers);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeHeader(final DataOutputStream out, final StoreManifest manifest) throws IOException
    {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(manifest.snapshotId());
        out.writeLong(manifest.epoch());
        out.writeInt(manifest.pageSize());
        out.writeInt(manifest.firstKeyGroup());
        out.writeInt(manifest.lastKeyGroup());
        out.writeInt(manifest.stateNames().size());
        for (final String name : manifest.stateNames())
        {
            out.writeUTF(name);
        }
        out.writeInt(manifest.longStates().length);
        for (final int id : manifest.longStates())
        {
            out.writeInt(id);
        }
    }

    /**
     * @return each file's index in the table, by name.
     */
    private static Map<String, Integer> writeFiles(final DataOutputStream out, final List<StoreManifest.DataFile> files)
        throws IOException
    {
        final Map<String, Integer> fileIndex = new HashMap<>();
        out.writeInt(files.size());
        for (final StoreManifest.DataFile data : files)
        {
            fileIndex.put(data.name(), fileIndex.size());
            out.writeUTF(data.name());
            out.writeLong(data.length());
            out.writeLong(data.crc());
        }
        return fileIndex;
    }

    /**
     * A key group: its distinct page chains (pages of a directory may share one), then its directory as
     * chain indices.
     */
    private static void writeKeyGroup(final DataOutputStream out, final StoreManifest.KeyGroupPages group,
        final Map<String, Integer> fileIndex) throws IOException
    {
        out.writeInt(group.keyGroup());
        out.writeInt(group.longState());
        final PageRef[][] pages = group.pages();
        final Map<PageRef[], Integer> chainIndex = new IdentityHashMap<>();
        final List<PageRef[]> chains = new ArrayList<>();
        for (final PageRef[] chain : pages)
        {
            if (null == chainIndex.putIfAbsent(chain, chains.size()))
            {
                chains.add(chain);
            }
        }
        out.writeInt(chains.size());
        for (final PageRef[] chain : chains)
        {
            writeChain(out, chain, fileIndex);
        }
        out.writeInt(pages.length);
        for (final PageRef[] chain : pages)
        {
            out.writeInt(chainIndex.get(chain));
        }
    }

    private static void writeChain(final DataOutputStream out, final PageRef[] chain,
        final Map<String, Integer> fileIndex) throws IOException
    {
        out.writeInt(chain.length);
        for (final PageRef ref : chain)
        {
            out.writeInt(fileIndex.get(ref.file()));
            out.writeLong(ref.offset());
        }
    }

    /**
     * The manifest's bytes as they are encoded: an expandable buffer appended to without the lock that
     * {@link java.io.ByteArrayOutputStream} takes for every byte. Single-threaded.
     */
    private static final class ManifestOutput extends OutputStream
    {
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
        private int length;

        @Override
        public void write(final int b)
        {
            buffer.putByte(length++, (byte)b);
        }

        @Override
        public void write(final byte[] bytes, final int offset, final int count)
        {
            buffer.putBytes(length, bytes, offset, count);
            length += count;
        }
    }

    static StoreManifest read(final Path file) throws CorruptSnapshotException
    {
        final byte[] all;
        try
        {
            all = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new CorruptSnapshotException(file, "cannot be read: " + ex, ex);
        }
        if (all.length < 8 + Long.BYTES)
        {
            throw new CorruptSnapshotException(file, "is truncated (" + all.length + " bytes)", null);
        }
        final CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - Long.BYTES);
        if (crc.getValue() != ByteBuffer.wrap(all, all.length - Long.BYTES, Long.BYTES).getLong())
        {
            throw new CorruptSnapshotException(file, "fails its checksum (torn or damaged)", null);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - Long.BYTES)))
        {
            if (in.readInt() != MAGIC || in.readInt() != VERSION)
            {
                throw new CorruptSnapshotException(file, "is not a store manifest of version " + VERSION, null);
            }
            final long snapshotId = in.readLong();
            final long epoch = in.readLong();
            final int pageSize = in.readInt();
            final int first = in.readInt();
            final int last = in.readInt();
            final List<String> states = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--)
            {
                states.add(in.readUTF());
            }
            final int[] longStates = new int[in.readInt()];
            for (int i = 0; i < longStates.length; i++)
            {
                longStates[i] = in.readInt();
                if (longStates[i] < 0 || longStates[i] >= states.size() ||
                    (i > 0 && longStates[i] <= longStates[i - 1]))
                {
                    throw new CorruptSnapshotException(file, "names long state " + longStates[i] + " of " +
                        states.size() + " states out of order", null);
                }
            }
            final List<StoreManifest.DataFile> files = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--)
            {
                files.add(new StoreManifest.DataFile(in.readUTF(), in.readLong(), in.readLong()));
            }
            final List<StoreManifest.KeyGroupPages> groups = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--)
            {
                final int keyGroup = in.readInt();
                final int longState = in.readInt();
                if (longState != -1 && Arrays.binarySearch(longStates, longState) < 0)
                {
                    throw new CorruptSnapshotException(file, "has a table of state " + longState +
                        ", not a long state", null);
                }
                final PageRef[][] chains = new PageRef[in.readInt()][];
                for (int c = 0; c < chains.length; c++)
                {
                    final int length = in.readInt();
                    if (length < 1)
                    {
                        throw new CorruptSnapshotException(file, "names an empty page chain", null);
                    }
                    chains[c] = new PageRef[length];
                    for (int r = 0; r < length; r++)
                    {
                        chains[c][r] = new PageRef(files.get(in.readInt()).name(), in.readLong());
                    }
                }
                final PageRef[][] pages = new PageRef[in.readInt()][];
                for (int p = 0; p < pages.length; p++)
                {
                    pages[p] = chains[in.readInt()];
                }
                groups.add(new StoreManifest.KeyGroupPages(keyGroup, longState, pages));
            }
            return new StoreManifest(snapshotId, epoch, pageSize, first, last, states, longStates, groups, files);
        }
        catch (final IOException | IndexOutOfBoundsException | NegativeArraySizeException ex)
        {
            throw new CorruptSnapshotException(file, "cannot be decoded: " + ex, ex);
        }
    }
}
