package dev.riffle.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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
     * ({@link EntryHash}), which moves entries within their pages. Earlier versions' pages are not readable.
     */
    private static final int VERSION = 5;

    private StoreManifestFormat()
    {
    }

    static void write(final StoreManifest manifest, final Path file) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
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
            final Map<String, Integer> fileIndex = new HashMap<>();
            out.writeInt(manifest.files().size());
            for (final StoreManifest.DataFile data : manifest.files())
            {
                fileIndex.put(data.name(), fileIndex.size());
                out.writeUTF(data.name());
                out.writeLong(data.length());
                out.writeLong(data.crc());
            }
            out.writeInt(manifest.keyGroups().size());
            for (final StoreManifest.KeyGroupPages group : manifest.keyGroups())
            {
                out.writeInt(group.keyGroup());
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
                    out.writeInt(chain.length);
                    for (final PageRef ref : chain)
                    {
                        out.writeInt(fileIndex.get(ref.file()));
                        out.writeLong(ref.offset());
                    }
                }
                out.writeInt(pages.length);
                for (final PageRef[] chain : pages)
                {
                    out.writeInt(chainIndex.get(chain));
                }
            }
        }
        final byte[] body = bytes.toByteArray();
        final CRC32C crc = new CRC32C();
        crc.update(body);
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer buffer = ByteBuffer.allocate(body.length + Long.BYTES).put(body).putLong(crc.getValue());
            buffer.flip();
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
            final List<StoreManifest.DataFile> files = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--)
            {
                files.add(new StoreManifest.DataFile(in.readUTF(), in.readLong(), in.readLong()));
            }
            final List<StoreManifest.KeyGroupPages> groups = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--)
            {
                final int keyGroup = in.readInt();
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
                groups.add(new StoreManifest.KeyGroupPages(keyGroup, pages));
            }
            return new StoreManifest(snapshotId, epoch, pageSize, first, last, states, groups, files);
        }
        catch (final IOException | IndexOutOfBoundsException | NegativeArraySizeException ex)
        {
            throw new CorruptSnapshotException(file, "cannot be decoded: " + ex, ex);
        }
    }
}
