package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Rebuilds a store from snapshots: for all of its key groups, or a sub-range (a job restored at
 * another parallelism reads its key groups from every old instance's snapshot). Every data file a
 * needed key group refers to is checked first (present, length, CRC-32C); a bad file fails the
 * restore naming it.
 */
public final class StoreRestore
{
    /**
     * One snapshot to restore from.
     *
     * @param manifest      its manifest file.
     * @param dataDirectory directory its data files are relative to.
     */
    public record Source(Path manifest, Path dataDirectory)
    {
    }

    private StoreRestore()
    {
    }

    /**
     * @param workDirectory directory for the new store's pages.
     * @param firstKeyGroup first key group of the new store.
     * @param lastKeyGroup  last key group of the new store.
     * @param options       page sizing; the page size must match the snapshots'.
     * @param sources       snapshots; their key groups outside the range are skipped.
     * @return the restored store; key groups no source covers are empty.
     * @throws CorruptSnapshotException naming a missing, truncated or damaged file.
     * @throws IOException              on another read failure, or mismatching snapshots.
     */
    public static PagedKeyedStore restore(
        final Path workDirectory,
        final int firstKeyGroup,
        final int lastKeyGroup,
        final StoreOptions options,
        final List<Source> sources) throws IOException
    {
        final PagedKeyedStore store = new PagedKeyedStore(workDirectory, firstKeyGroup, lastKeyGroup, options);
        try
        {
            for (final Source source : sources)
            {
                load(store, source, options);
            }
            for (int i = 0; i < store.directories.length; i++)
            {
                if (null == store.directories[i])
                {
                    store.directories[i] = store.newDirectory();
                }
            }
            return store;
        }
        catch (final IOException | RuntimeException ex)
        {
            store.close();
            throw ex;
        }
    }

    private static void load(final PagedKeyedStore store, final Source source, final StoreOptions options)
        throws IOException
    {
        final StoreManifest manifest = StoreManifestFormat.read(source.manifest());
        if (manifest.pageSize() != options.pageSize())
        {
            throw new IOException("snapshot " + source.manifest() + " has " + manifest.pageSize() +
                "-byte pages, the store " + options.pageSize());
        }
        final List<String> names = manifest.stateNames();
        for (int id = 0; id < names.size(); id++)
        {
            final Integer existing = store.stateIds.putIfAbsent(names.get(id), id);
            if (null != existing && existing != id)
            {
                throw new IOException("snapshot " + source.manifest() + " numbers state '" + names.get(id) +
                    "' " + id + ", another snapshot " + existing);
            }
        }
        final Map<String, StoreManifest.DataFile> files = new HashMap<>();
        for (final StoreManifest.DataFile file : manifest.files())
        {
            files.put(file.name(), file);
        }
        final Set<String> verified = new HashSet<>();
        final Map<String, FileChannel> open = new HashMap<>();
        final UnsafeBuffer page = new UnsafeBuffer(ByteBuffer.allocateDirect(options.pageSize()));
        try
        {
            for (final StoreManifest.KeyGroupPages group : manifest.keyGroups())
            {
                final int index = group.keyGroup() - store.firstKeyGroup;
                if (group.keyGroup() < store.firstKeyGroup || group.keyGroup() > store.lastKeyGroup)
                {
                    continue;
                }
                if (null != store.directories[index])
                {
                    throw new IOException("key group " + group.keyGroup() + " is in two snapshots");
                }
                final Map<PageRef, Integer> loaded = new HashMap<>();
                final int[] directory = new int[group.pages().length];
                for (int d = 0; d < directory.length; d++)
                {
                    final PageRef ref = group.pages()[d];
                    Integer target = loaded.get(ref);
                    if (null == target)
                    {
                        final StoreManifest.DataFile file = files.get(ref.file());
                        final Path path = source.dataDirectory().resolve(ref.file());
                        if (verified.add(ref.file()))
                        {
                            verify(path, file);
                        }
                        final FileChannel channel = open.computeIfAbsent(ref.file(), n -> openChannel(path));
                        readPage(channel, path, (long)ref.index() * options.pageSize(), page);
                        target = store.newPage(0);
                        store.arena.buffer(target).putBytes(store.arena.offset(target), page, 0, options.pageSize());
                        loaded.put(ref, target);
                    }
                    directory[d] = target;
                }
                store.directories[index] = new KeyGroupDirectory(directory);
                store.directories[index].refresh(store.arena);
            }
        }
        finally
        {
            for (final FileChannel channel : open.values())
            {
                channel.close();
            }
        }
    }

    private static FileChannel openChannel(final Path path)
    {
        try
        {
            return FileChannel.open(path, StandardOpenOption.READ);
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static void readPage(final FileChannel channel, final Path path, final long position, final UnsafeBuffer page)
        throws IOException
    {
        final ByteBuffer bytes = page.byteBuffer().duplicate().clear();
        long at = position;
        while (bytes.hasRemaining())
        {
            final int n = channel.read(bytes, at);
            if (n < 0)
            {
                throw new CorruptSnapshotException(path, "ends before page at " + position, null);
            }
            at += n;
        }
    }

    static void verify(final Path path, final StoreManifest.DataFile file) throws CorruptSnapshotException
    {
        if (null == file || !Files.isRegularFile(path))
        {
            throw new CorruptSnapshotException(path, "is missing", null);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            if (channel.size() != file.length())
            {
                throw new CorruptSnapshotException(path, "has " + channel.size() + " bytes, expected " +
                    file.length() + " (truncated?)", null);
            }
            final CRC32C crc = new CRC32C();
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            while (channel.read(buffer) > 0)
            {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
            if (crc.getValue() != file.crc())
            {
                throw new CorruptSnapshotException(path, "fails its checksum", null);
            }
        }
        catch (final CorruptSnapshotException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new CorruptSnapshotException(path, "cannot be read: " + ex, ex);
        }
    }
}
