package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a store from snapshots: for all of its key groups, or a sub-range (a job restored at
 * another parallelism reads its key groups from every old instance's snapshot). Each page is rebuilt from
 * its chain of records — a full image, then deltas — read once each, straight from the data files. Every
 * data file a needed key group refers to must be present with the length its manifest records, and
 * every record read must match its checksum; a bad file fails the restore naming it. (Damage to records
 * no needed page refers to is not looked for.)
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
                    store.directories[i] = store.newDirectory(i);
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
            final Integer existing = store.stateIds.get(names.get(id));
            if (null == existing)
            {
                store.restoredState(names.get(id), id);
            }
            else if (existing != id)
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
        final Map<String, FileChannel> open = new HashMap<>();
        final PageRecords.Reader reader = new PageRecords.Reader(options.pageSize());
        final UnsafeBuffer page = new UnsafeBuffer(ByteBuffer.allocateDirect(options.pageSize()));
        final int layoutSize = ChangedLines.layoutSize(options.pageSize());
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
                final Map<PageRef[], Integer> loaded = new java.util.IdentityHashMap<>();
                final int[] directory = new int[group.pages().length];
                for (int d = 0; d < directory.length; d++)
                {
                    final PageRef[] chain = group.pages()[d];
                    Integer target = loaded.get(chain);
                    if (null == target)
                    {
                        target = store.restoredPage();
                        for (int r = 0; r < chain.length; r++)
                        {
                            final PageRef ref = chain[r];
                            final Path path = source.dataDirectory().resolve(ref.file());
                            FileChannel channel = open.get(ref.file());
                            if (null == channel)
                            {
                                channel = openChecked(path, files.get(ref.file()));
                                open.put(ref.file(), channel);
                            }
                            reader.apply(channel, path, ref.offset(), 0 == r, page, 0);
                        }
                        store.arena.fill(target, page.byteBuffer().duplicate().clear().limit(layoutSize));
                        loaded.put(chain, target);
                    }
                    directory[d] = target;
                }
                store.directories[index] = new KeyGroupDirectory(index, directory);
                store.directories[index].refresh(store.arena);
            }
        }
        finally
        {
            store.arena.finishFilling();
            for (final FileChannel channel : open.values())
            {
                channel.close();
            }
        }
    }

    /**
     * Opens a data file after checking it is there with the length its manifest records; each record read
     * from it is then checked against its own checksum ({@link PageRecords.Reader}).
     */
    private static FileChannel openChecked(final Path path, final StoreManifest.DataFile file)
        throws CorruptSnapshotException
    {
        if (null == file || !Files.isRegularFile(path))
        {
            throw new CorruptSnapshotException(path, "is missing", null);
        }
        try
        {
            final FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            if (channel.size() != file.length())
            {
                final long size = channel.size();
                channel.close();
                throw new CorruptSnapshotException(path, "has " + size + " bytes, expected " + file.length() +
                    " (truncated?)", null);
            }
            return channel;
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
