package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the files of one {@link StoreSnapshot}: the pages changed since the last completed snapshot go
 * to one new data file — as a delta of their changed 64-byte lines ({@link ChangedLines}) appended to the
 * page's chain of records, or as a full image when the chain would grow too long or the delta too large
 * ({@link PageRecords}); unchanged pages are referenced in the data files of earlier snapshots. Then the
 * manifest ({@link StoreManifestFormat}), and, unless the snapshot stands alone, the store's
 * {@link SnapshotLineage} for the next incremental snapshot.
 * <p>
 * <b>Threading.</b> One instance per write, used by the snapshot thread only; not thread-safe. It takes
 * each key group's page ids and each page through the snapshot's capture protocol
 * ({@link StoreSnapshot#captureDirectory}, {@link StoreSnapshot#capture}), which is what lets the writer go
 * on meanwhile.
 * <p>
 * <b>Memory ordering.</b> None of its own beyond the capture protocol: the lineage is updated before
 * {@link CopyOnWriteBarrier#snapshotCompleted}'s volatile store, which publishes it to the writer's next
 * snapshot.
 * <p>
 * <b>Ownership.</b> A copy the writer made is given back to the store's {@link CopyPool} once saved; the
 * snapshot thread's own copy buffer lives for one write.
 */
final class SnapshotFileWriter
{
    private final StoreSnapshot snapshot;
    private final PagedKeyedStore store;
    private final long snapshotId;
    private final long epoch;
    private final int tableCount;
    private final List<String> stateNames;
    private final int[] longStates;
    /** Pages saved by this write, with their new chains. */
    private final Map<Integer, SnapshotLineage.Chain> saved = new HashMap<>();
    /** Pages this write found unchanged, referred to in earlier files. */
    private int reused;

    /**
     * @param snapshot      the snapshot whose files are written.
     * @param store         its store.
     * @param snapshotId    caller's id, recorded in the manifest and the data file's name.
     * @param epoch         the snapshot's epoch.
     * @param tableCount    tables of the snapshot ({@link SnapshotDirectories}).
     * @param stateNames    state names by id, as at the snapshot.
     * @param longStates    ids of the long states, ascending.
     */
    SnapshotFileWriter(
        final StoreSnapshot snapshot,
        final PagedKeyedStore store,
        final long snapshotId,
        final long epoch,
        final int tableCount,
        final List<String> stateNames,
        final int[] longStates)
    {
        this.snapshot = snapshot;
        this.store = store;
        this.snapshotId = snapshotId;
        this.epoch = epoch;
        this.tableCount = tableCount;
        this.stateNames = stateNames;
        this.longStates = longStates;
    }

    /**
     * Writes the data file of the pages changed since the last completed snapshot (every page, for a full
     * snapshot) as {@code <prefix>-c<snapshotId>.pages} in {@code dataDirectory}, forced to disk; for a
     * standalone snapshot, copies the earlier data files it refers to there too; then the manifest,
     * atomically. Unless standalone, the snapshot then becomes the
     * base of the next incremental one: the lineage is updated before the completion is published.
     *
     * @param manifestFile  where the manifest goes.
     * @param dataDirectory where the new data file goes.
     * @param prefix        data file name prefix.
     * @param standalone    whether the snapshot is a savepoint that stands alone in {@code dataDirectory}.
     * @return what was written.
     * @throws IOException on failure; the lineage is then as it was.
     */
    SnapshotResult write(
        final Path manifestFile, final Path dataDirectory, final String prefix, final boolean standalone)
        throws IOException
    {
        final String dataName = prefix + "-c" + snapshotId + ".pages";
        final List<StoreManifest.KeyGroupPages> keyGroups;
        final StoreManifest.DataFile newFile;
        try (FileChannel channel = FileChannel.open(dataDirectory.resolve(dataName),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
        {
            final PageRecords.Writer out = new PageRecords.Writer(channel, store.arena.pageSize());
            keyGroups = writePages(out, dataName);
            out.close();
            newFile = new StoreManifest.DataFile(dataName, out.length(), out.crc());
        }
        final StoreManifest manifest = new StoreManifest(snapshotId, epoch, store.arena.pageSize(),
            store.firstKeyGroup, store.lastKeyGroup, stateNames, longStates, keyGroups, filesOf(keyGroups, newFile));
        if (standalone)
        {
            copyEarlierFiles(manifest.files(), dataName, dataDirectory);
        }
        StoreManifestFormat.write(manifest, manifestFile);
        if (!standalone)
        {
            store.lineage.update(saved, newFile, dataDirectory);
            store.barrier.snapshotCompleted(snapshot);
        }
        int deltas = 0;
        for (final SnapshotLineage.Chain chain : saved.values())
        {
            deltas += chain.records().length > 1 ? 1 : 0;
        }
        return new SnapshotResult(manifestFile, manifest.files(), saved.size(), deltas, reused, newFile.length());
    }

    // The steps of write() are methods of their own, so that each is compiled on its own: write() runs
    // once per snapshot, and as one method with nested loops it cost the JIT one whole-method compilation
    // per loop it entered hot, hundreds of milliseconds of CPU each.

    /**
     * @return every table's page chains, the changed pages saved to {@code out} on the way.
     */
    private List<StoreManifest.KeyGroupPages> writePages(final PageRecords.Writer out, final String dataName)
        throws IOException
    {
        final UnsafeBuffer own = CopyPool.allocate(store.arena.pageSize());
        final List<StoreManifest.KeyGroupPages> keyGroups = new ArrayList<>(tableCount);
        for (int i = 0; i < tableCount; i++)
        {
            final KeyGroupDirectory table = snapshot.table(i);
            keyGroups.add(new StoreManifest.KeyGroupPages(store.firstKeyGroup + table.keyGroupIndex(),
                table.longState(), chainsOf(i, own, out, dataName)));
        }
        return keyGroups;
    }

    /**
     * @return the chain of each entry of table {@code index}'s directory (a page several entries share is
     * saved once).
     */
    private PageRef[][] chainsOf(final int index, final UnsafeBuffer own, final PageRecords.Writer out,
        final String dataName) throws IOException
    {
        final int[] directory = snapshot.captureDirectory(index);
        final PageRef[][] chains = new PageRef[directory.length][];
        final Map<Integer, PageRef[]> local = new HashMap<>();
        for (int d = 0; d < directory.length; d++)
        {
            final int page = directory[d];
            PageRef[] chain = local.get(page);
            if (null == chain)
            {
                chain = chainOf(page, own, out, dataName);
                local.put(page, chain);
            }
            chains[d] = chain;
        }
        return chains;
    }

    /**
     * @return the page's chain: saved now if the snapshot needs it, else its chain in earlier files.
     */
    private PageRef[] chainOf(final int page, final UnsafeBuffer own, final PageRecords.Writer out,
        final String dataName) throws IOException
    {
        final UnsafeBuffer copy = snapshot.capture(page, own);
        if (null == copy)
        {
            final SnapshotLineage.Chain unchanged = store.lineage.chain(page);
            if (null == unchanged)
            {
                throw new IllegalStateException("page " + page + " unchanged but never saved");
            }
            reused++;
            return unchanged.records();
        }
        final SnapshotLineage.Chain next = save(page, copy, out, dataName);
        // a background writer: give the CPU to a task thread that is waiting for one (on a machine with
        // few cores, the job's latency and throughput are otherwise this thread's time slices); returns
        // at once when no other thread is ready
        Thread.yield();
        saved.put(page, next);
        if (copy != own)
        {
            store.copyPool.give(copy);
        }
        return next.records();
    }

    /**
     * @return the data files the chains refer to, each once, in the order first referred to.
     */
    private List<StoreManifest.DataFile> filesOf(final List<StoreManifest.KeyGroupPages> keyGroups,
        final StoreManifest.DataFile newFile)
    {
        final Map<String, StoreManifest.DataFile> files = new LinkedHashMap<>();
        for (final StoreManifest.KeyGroupPages group : keyGroups)
        {
            for (final PageRef[] chain : group.pages())
            {
                for (final PageRef record : chain)
                {
                    files.computeIfAbsent(record.file(),
                        name -> name.equals(newFile.name()) ? newFile : store.lineage.file(name));
                }
            }
        }
        return List.copyOf(files.values());
    }

    /**
     * A standalone snapshot: the earlier data files it refers to are copied beside the new one.
     */
    private void copyEarlierFiles(final List<StoreManifest.DataFile> files, final String dataName,
        final Path dataDirectory) throws IOException
    {
        for (final StoreManifest.DataFile file : files)
        {
            if (!file.name().equals(dataName))
            {
                final Path copy = dataDirectory.resolve(file.name());
                Files.copy(store.lineage.directory(file.name()).resolve(file.name()), copy,
                    StandardCopyOption.REPLACE_EXISTING);
                // durable before the manifest that refers to it, like the file written for it
                try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE))
                {
                    channel.force(true);
                }
            }
        }
    }

    /**
     * Writes a changed page: as a delta of its changed lines when its change map counts from the last
     * record of its saved chain and the chain stays short and small, else as a full image.
     *
     * @return the page's new chain.
     */
    private SnapshotLineage.Chain save(final int page, final UnsafeBuffer copy, final PageRecords.Writer out,
        final String dataName) throws IOException
    {
        final int pageSize = store.arena.pageSize();
        final long trailer = copy.getLong(pageSize);
        final int lines = snapshot.deltaLines(page, trailer & ~StoreSnapshot.LINES_ONLY, copy, 0);
        if (lines < 0 && 0 != (trailer & StoreSnapshot.LINES_ONLY))
        {
            // the capture decided "delta" and copied only the changed lines: a full image of that copy
            // would be wrong state, so fail the snapshot rather than write it
            throw new IllegalStateException("page " + page + " was captured as a delta but is to be saved whole");
        }
        if (lines >= 0)
        {
            final SnapshotLineage.Chain previous = store.lineage.chain(page);
            final PageRef[] records = Arrays.copyOf(previous.records(), previous.records().length + 1);
            final long at = out.delta(copy, lines);
            records[records.length - 1] = new PageRef(dataName, at);
            return new SnapshotLineage.Chain(records, epoch, previous.deltaBytes() + (int)(out.length() - at));
        }
        return new SnapshotLineage.Chain(new PageRef[]{new PageRef(dataName, out.full(copy))}, epoch, 0);
    }
}
