package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Rebuilds a store from snapshots: for all of its key groups, or a sub-range (a job restored at
 * another parallelism reads its key groups from every old instance's snapshot). Each page is rebuilt from
 * its chain of records — a full image, then deltas — read once each, straight from the data files. Every
 * data file a needed key group refers to must be present with the length its manifest records, and
 * every record read must match its checksum; a bad file fails the restore naming it. (Damage to records
 * no needed page refers to is not looked for.)
 * <p>
 * Threading: a restore first plans on the calling thread — it reads the manifests, checks them, opens
 * the data files and allocates every target page, in the order a single-threaded restore would — then
 * worker threads rebuild the pages, each taking the next page from a shared list, and the calling thread
 * builds the directories once they are done. Rebuilding a page is mostly the kernel's work (reading the
 * records, allocating page cache for the written page) and copies, so a second thread shortens it,
 * where allocation and directories are cheap. A source that numbers its states differently from those
 * before it is restored alone and its entries copied in ({@link StateRenumbering}).
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

    /**
     * The data files of one source, opened and checked while planning; shared by the workers (positional
     * reads of a {@link FileChannel} are safe from several threads).
     */
    private record DataFiles(Path directory, Map<String, FileChannel> channels)
    {
    }

    /**
     * One page to rebuild: the target page, allocated while planning, and its chain of records.
     */
    private record PageTask(int page, PageRef[] chain, DataFiles files)
    {
    }

    private static final AtomicInteger WORKER_NUMBER = new AtomicInteger();

    private StoreRestore()
    {
    }

    /**
     * @return worker threads of a restore by default: two, or one on a single-processor machine.
     */
    public static int defaultThreads()
    {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Restores with {@link #defaultThreads()} worker threads.
     *
     * @param workDirectory directory for the new store's pages.
     * @param firstKeyGroup first key group of the new store.
     * @param lastKeyGroup  last key group of the new store.
     * @param options       page sizing; the page size must match the snapshots'.
     * @param sources       snapshots; their key groups outside the range are skipped.
     * @return the restored store; key groups no source covers are empty.
     * @throws CorruptSnapshotException naming a missing, truncated or damaged file.
     * @throws IOException              on another read failure, or mismatching snapshots.
     * @see #restore(Path, int, int, StoreOptions, List, int)
     */
    public static PagedKeyedStore restore(
        final Path workDirectory,
        final int firstKeyGroup,
        final int lastKeyGroup,
        final StoreOptions options,
        final List<Source> sources) throws IOException
    {
        return restore(workDirectory, firstKeyGroup, lastKeyGroup, options, sources, defaultThreads());
    }

    /**
     * Rebuilds the pages on {@code threads} daemon threads named {@code riffle-restore-N} (fewer if there
     * are fewer pages); the calling thread waits for them. When this returns, normally or by an exception,
     * no worker is running. A worker's failure stops the others after their current page and is thrown
     * here as it was raised (same exception, so a {@link CorruptSnapshotException} still names its file);
     * the new store is then closed.
     *
     * @param workDirectory directory for the new store's pages.
     * @param firstKeyGroup first key group of the new store.
     * @param lastKeyGroup  last key group of the new store.
     * @param options       page sizing; the page size must match the snapshots'.
     * @param sources       snapshots; their key groups outside the range are skipped.
     * @param threads       worker threads, at least 1.
     * @return the restored store, for use by the calling thread; key groups no source covers are empty.
     * @throws CorruptSnapshotException naming a missing, truncated or damaged file.
     * @throws java.io.InterruptedIOException if the calling thread is interrupted while waiting (the
     *                                        workers are stopped and waited for first; the interrupt
     *                                        status is kept).
     * @throws IOException              on another read failure, or mismatching snapshots.
     */
    public static PagedKeyedStore restore(
        final Path workDirectory,
        final int firstKeyGroup,
        final int lastKeyGroup,
        final StoreOptions options,
        final List<Source> sources,
        final int threads) throws IOException
    {
        if (threads < 1)
        {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        final PagedKeyedStore store = new PagedKeyedStore(workDirectory, firstKeyGroup, lastKeyGroup, options);
        try
        {
            final int[][] directories = new int[store.directories.length][];
            final Map<Integer, int[][]> longDirectories = new HashMap<>();
            final boolean[] claimed = new boolean[store.directories.length];
            final List<PageTask> tasks = new ArrayList<>();
            final List<FileChannel> opened = new ArrayList<>();
            final List<Source> renumbered = new ArrayList<>();
            int[] cellCounts = null;
            try
            {
                for (final Source source : sources)
                {
                    final StoreManifest manifest = StoreManifestFormat.read(source.manifest());
                    if (manifest.pageSize() != options.pageSize())
                    {
                        throw new IOException("snapshot " + source.manifest() + " has " + manifest.pageSize() +
                            "-byte pages, the store " + options.pageSize());
                    }
                    claim(store, manifest, claimed);
                    if (numbersAlike(store.states, manifest))
                    {
                        plan(store, source, manifest, directories, longDirectories, tasks, opened);
                    }
                    else
                    {
                        renumbered.add(source);
                    }
                }
                tasks.sort(Comparator.comparingLong(task -> store.arena.acrossSegments(task.page())));
                cellCounts = new int[store.arena.pageCount()];
                rebuildPages(store.arena, options.pageSize(), tasks.toArray(new PageTask[0]), threads, cellCounts);
            }
            finally
            {
                // the workers are done (or were never started): nothing uses the files any more
                closeAll(opened);
                store.arena.finishFilling();
            }
            for (int i = 0; i < directories.length; i++)
            {
                if (null == directories[i])
                {
                    store.directories[i] = store.growth.newDirectory(i);
                }
                else
                {
                    // the workers' cell counts: they have been joined
                    store.directories[i] = new KeyGroupDirectory(i, directories[i]);
                    store.directories[i].refresh(store.arena, cellCounts);
                }
            }
            for (final int state : store.states.longStates())
            {
                longTables(store, state, longDirectories.get(state), cellCounts);
            }
            for (final Source source : renumbered)
            {
                StateRenumbering.copy(source, store, workDirectory, options, threads);
            }
            return store;
        }
        catch (final IOException | RuntimeException ex)
        {
            store.close();
            throw ex;
        }
    }

    /**
     * Builds a long state's tables from the page ids planned for its key groups (null: none planned), or
     * new empty ones for key groups no snapshot held, and adds them to the store.
     */
    private static void longTables(final PagedKeyedStore store, final int state, final int[][] planned,
        final int[] cellCounts)
    {
        final int firstSlot = store.tables().length;
        final KeyGroupDirectory[] tables = new KeyGroupDirectory[store.directories.length];
        for (int i = 0; i < tables.length; i++)
        {
            if (null == planned || null == planned[i])
            {
                tables[i] = store.growth.newLongDirectory(firstSlot + i, i, state);
            }
            else
            {
                tables[i] = new KeyGroupDirectory(firstSlot + i, i, state, planned[i]);
                tables[i].refresh(store.arena, cellCounts);
            }
        }
        store.longStates.add(state, tables);
        store.addLongTables(tables);
    }

    /**
     * Marks the key groups of the store's range that a snapshot holds.
     *
     * @throws IOException if another snapshot of the restore holds one of them already.
     */
    private static void claim(final PagedKeyedStore store, final StoreManifest manifest, final boolean[] claimed)
        throws IOException
    {
        for (final StoreManifest.KeyGroupPages group : manifest.keyGroups())
        {
            // a key group's long states' tables come from the snapshot its byte states' table does
            if (group.longState() < 0 && group.keyGroup() >= store.firstKeyGroup &&
                group.keyGroup() <= store.lastKeyGroup)
            {
                final int index = group.keyGroup() - store.firstKeyGroup;
                if (claimed[index])
                {
                    throw new IOException("key group " + group.keyGroup() + " is in two snapshots");
                }
                claimed[index] = true;
            }
        }
    }

    /**
     * Pages hold state ids, and h(k, n) is seeded by them, so a snapshot's pages can be used as they are
     * only if it numbers its states as the snapshots planned before it do (instances of one operator that
     * registered their states in different orders do not); it then adds the states they did not name.
     *
     * @param manifest the snapshot's manifest: its state names, indexed by its ids, and its long states.
     * @return true if it numbers them alike, its new states now registered; false if not, nothing changed.
     * @throws IOException if a state is a long state in it and a byte state in a snapshot before it, or
     *                     the other way round.
     */
    private static boolean numbersAlike(final StateRegistry states, final StoreManifest manifest)
        throws IOException
    {
        final List<String> names = manifest.stateNames();
        boolean alike = true;
        for (int id = 0; id < names.size(); id++)
        {
            final Integer existing = states.id(names.get(id));
            final String holder = states.name(id);
            if (null != existing && states.isLong(existing) != isLong(manifest, id))
            {
                throw new IOException("state '" + names.get(id) + "' is a long state in one snapshot and a byte " +
                    "state in another");
            }
            alike &= (null == existing || existing == id) && (null == holder || holder.equals(names.get(id)));
        }
        if (!alike)
        {
            return false;
        }
        for (int id = 0; id < names.size(); id++)
        {
            if (null == states.id(names.get(id)))
            {
                states.restored(names.get(id), id, isLong(manifest, id));
            }
        }
        return true;
    }

    private static boolean isLong(final StoreManifest manifest, final int id)
    {
        return Arrays.binarySearch(manifest.longStates(), id) >= 0;
    }

    /**
     * Opens the data files a source's needed key groups refer to and allocates their target pages (a chain
     * shared by several directory entries is one page, rebuilt once); calling thread only, as page
     * allocation is not thread-safe.
     *
     * @param manifest        the source's manifest, its page size and key groups checked.
     * @param directories     per key group of the store, its directory's page ids once planned.
     * @param longDirectories per long state, per key group of the store, its directory's page ids once
     *                        planned.
     * @param tasks           the pages to rebuild, appended to.
     * @param opened          every channel opened, appended to, for the caller to close.
     */
    private static void plan(
        final PagedKeyedStore store,
        final Source source,
        final StoreManifest manifest,
        final int[][] directories,
        final Map<Integer, int[][]> longDirectories,
        final List<PageTask> tasks,
        final List<FileChannel> opened) throws IOException
    {
        final Map<String, StoreManifest.DataFile> files = new HashMap<>();
        for (final StoreManifest.DataFile file : manifest.files())
        {
            files.put(file.name(), file);
        }
        final DataFiles dataFiles = new DataFiles(source.dataDirectory(), new HashMap<>());
        for (final StoreManifest.KeyGroupPages group : manifest.keyGroups())
        {
            final int index = group.keyGroup() - store.firstKeyGroup;
            if (group.keyGroup() < store.firstKeyGroup || group.keyGroup() > store.lastKeyGroup)
            {
                continue;
            }
            final Map<PageRef[], Integer> loaded = new IdentityHashMap<>();
            final int[] directory = new int[group.pages().length];
            for (int d = 0; d < directory.length; d++)
            {
                final PageRef[] chain = group.pages()[d];
                Integer target = loaded.get(chain);
                if (null == target)
                {
                    for (final PageRef ref : chain)
                    {
                        if (!dataFiles.channels().containsKey(ref.file()))
                        {
                            final FileChannel channel =
                                openChecked(source.dataDirectory().resolve(ref.file()), files.get(ref.file()));
                            opened.add(channel);
                            dataFiles.channels().put(ref.file(), channel);
                        }
                    }
                    target = store.growth.restoredPage();
                    tasks.add(new PageTask(target, chain, dataFiles));
                    loaded.put(chain, target);
                }
                directory[d] = target;
            }
            if (group.longState() < 0)
            {
                directories[index] = directory;
            }
            else
            {
                longDirectories.computeIfAbsent(group.longState(), state -> new int[directories.length][])[index] =
                    directory;
            }
        }
    }

    /**
     * Rebuilds the pages on up to {@code threads} workers and waits for them all. The tasks come in
     * {@link PageArena#acrossSegments} order, so that workers taking successive tasks fill different
     * segment files: a write(2) holds its file's inode lock, and two workers filling one file took turns
     * (a fifth of a 10 M-entry restore's CPU time was their spinning on that lock).
     * <p>
     * Memory ordering: {@link Thread#start()} happens-before everything the worker does, so it sees the
     * task list, the open channels and the arena's segments as planned. The page bytes themselves go
     * through the segment files' page cache by write(2), which the store's shared mappings see (one page
     * cache); {@link Thread#join()} makes each worker's completed writes — and any failure it recorded —
     * happen-before what the calling thread does next (building the directories from the pages' headers,
     * handing the store to its caller).
     */
    private static void rebuildPages(final PageArena arena, final int pageSize, final PageTask[] tasks,
        final int threads, final int[] cellCounts) throws IOException
    {
        final AtomicInteger next = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] workers = new Thread[Math.min(threads, tasks.length)];
        try
        {
            for (int i = 0; i < workers.length; i++)
            {
                workers[i] = new Thread(() -> rebuild(arena, pageSize, tasks, next, failure, cellCounts),
                    "riffle-restore-" + WORKER_NUMBER.incrementAndGet());
                workers[i].setDaemon(true);
                workers[i].start();
            }
        }
        catch (final RuntimeException | Error ex)
        {
            // e.g. no native thread could be created: stop those that were
            failure.compareAndSet(null, ex);
        }
        if (joinAll(workers, failure))
        {
            Thread.currentThread().interrupt();
        }
        final Throwable ex = failure.get();
        if (ex instanceof IOException io)
        {
            throw io;
        }
        if (ex instanceof RuntimeException runtime)
        {
            throw runtime;
        }
        if (ex instanceof Error error)
        {
            throw error;
        }
    }

    /**
     * A worker: rebuilds the next page of the list, with its own reader and scratch page, until the list
     * is done or a worker has failed, noting each page's cell count (workers write distinct elements;
     * {@link Thread#join()} publishes them); records its own failure, first one wins.
     */
    private static void rebuild(final PageArena arena, final int pageSize, final PageTask[] tasks,
        final AtomicInteger next, final AtomicReference<Throwable> failure, final int[] cellCounts)
    {
        try
        {
            final PageRecords.Reader reader = new PageRecords.Reader(pageSize);
            final UnsafeBuffer page = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
            final ByteBuffer content = page.byteBuffer().duplicate();
            final int layoutSize = ChangedLines.layoutSize(pageSize);
            int i;
            while (null == failure.get() && (i = next.getAndIncrement()) < tasks.length)
            {
                final PageTask task = tasks[i];
                final PageRef[] chain = task.chain();
                for (int r = 0; r < chain.length; r++)
                {
                    final PageRef ref = chain[r];
                    reader.apply(task.files().channels().get(ref.file()), task.files().directory().resolve(ref.file()),
                        ref.offset(), 0 == r, page, 0);
                }
                cellCounts[task.page()] = BucketPage.cellCount(page, 0);
                arena.fill(task.page(), content.clear().limit(layoutSize));
            }
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, ex);
        }
    }

    /**
     * Waits for every worker, even if interrupted: the store must not be closed or handed out while one
     * still writes to it. The first interrupt stops the workers after their current page.
     *
     * @return whether the calling thread was interrupted.
     */
    private static boolean joinAll(final Thread[] workers, final AtomicReference<Throwable> failure)
    {
        boolean interrupted = false;
        for (final Thread worker : workers)
        {
            while (null != worker)
            {
                try
                {
                    worker.join();
                    break;
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                    failure.compareAndSet(null, new InterruptedIOException("restore interrupted"));
                }
            }
        }
        return interrupted;
    }

    private static void closeAll(final List<FileChannel> channels) throws IOException
    {
        IOException failure = null;
        for (final FileChannel channel : channels)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                if (null == failure)
                {
                    failure = ex;
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (null != failure)
        {
            throw failure;
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
