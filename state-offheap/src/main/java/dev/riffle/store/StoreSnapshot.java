package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * A snapshot of a {@link PagedKeyedStore} as it was at {@link PagedKeyedStore#snapshot(long)}, and the
 * capture protocol by which the writer and the snapshot thread each take what it needs of the store
 * while the writer goes on: every page and every key group's page ids are captured exactly once for
 * the snapshot, either by the writer (a copy before its first change, see {@link PageCaptures}) or by
 * the snapshot thread (a copy, then written). Writing the captured pages and the manifest is
 * {@link SnapshotFileWriter}'s job; {@link #write} and {@link #writeStandalone} hand it over.
 * <p>
 * <b>Threading.</b> The writer thread calls {@link #captureForWriter}, {@link #captureDirectoryForWriter},
 * {@link #captureAll}, {@link #isDone} and {@link #closeStoreWhenDone}; one snapshot thread calls
 * {@link #write}, {@link #writeStandalone} or {@link #discard}, once, and through the first two
 * {@link #capture} and {@link #captureDirectory}. Neither thread takes a lock or waits for the other.
 * <p>
 * <b>Memory ordering.</b> The snapshot reaches its thread by a hand-off that happens-before (the executor
 * of {@link SnapshotService}, or the caller's). A page's or a key group's capture is published by one CAS
 * of its capture word ({@link PageCaptures}, {@link KeyGroupDirectory#casCapture}) from the state
 * read before the copy to this epoch; the thread whose CAS fails acquires the word and uses the winner's
 * capture — a writer's copy is stored in {@link WriterCopies} before its CAS (and so are the
 * {@link WriterCopies} themselves, which the writer creates at its first copy of the snapshot: the
 * snapshot thread reads them only for a page whose capture it acquired from the writer). When the writing ends, the
 * volatile store of {@code done} ({@link #isDone}) follows the lineage update, so the writer, which reads
 * it when it starts the next snapshot, may then read the lineage while the snapshot thread leaves it be
 * ({@code lineageSettled}). The close hand-off is one CAS that decides which thread closes the store's
 * pages.
 * <p>
 * <b>Ownership.</b> The writer's copies are pooled buffers ({@link CopyPool}) kept per snapshot, so
 * overlapping snapshots never take each other's; the snapshot thread takes each from {@link WriterCopies}
 * and gives it back to the pool once written.
 */
public final class StoreSnapshot
{
    /**
     * Deltas a page's chain holds at least before the page is saved whole again; the limit of a page is
     * this plus its id modulo 8, so that pages updated alike do not all start over in the same snapshot.
     * With the chain's delta bytes also kept under half a page, a restore reads at most ~1.5 pages and
     * 20 records per page.
     */
    static final int MIN_DELTA_LIMIT = 12;
    /**
     * Flag in a copy's trailer (beside the epoch its map counts from, always far below it): only the
     * changed lines were copied. Set by {@link #copyPage}; {@link SnapshotFileWriter} checks it before it
     * saves a copy.
     */
    static final long LINES_ONLY = 1L << 62;
    private final PagedKeyedStore store;
    private final long snapshotId;
    final long epoch;
    private final long baseEpoch;
    final int pageLimit;
    /** Page ids of every table's directory, as captured (lazily; see {@link #captureDirectory}). */
    private final SnapshotDirectories directories;
    /** The store's state names at {@code snapshot()}: a list the store never changes, only replaces. */
    private final List<String> stateNames;
    /** Ids of the long states, ascending. */
    private final int[] longStates;
    /**
     * No earlier snapshot was being written when this one started, so the lineage stays as it is until
     * this one completes, and the writer may read it to copy only a delta page's changed lines.
     */
    private final boolean lineageSettled;
    private volatile boolean done;
    /** Test hook: run by the snapshot thread between an optimistic copy and its CAS, or null. */
    private IntConsumer interleaving;
    /** Test hook: run by the snapshot thread before it reads a live line it found not preserved, or null. */
    private LongConsumer lineInterleaving;
    /**
     * The writer's page copies, or null until its first; see {@link #lineBuffers}. The snapshot thread
     * reads it after acquiring a page's capture from the writer: for a copied page the writer's store of
     * this field preceded its CAS; for a page the writer captured unchanged the read races with a later
     * first copy and sees null or the new object, whose final fields make it safe to read either way, and
     * which holds nothing for that page.
     */
    private WriterCopies copies;
    /**
     * The writer's line buffers of pages it captures line by line ({@link LineCopies}); read, never taken.
     * Created, as {@link #copies}, by the writer at its first use: {@code snapshot()} allocates no more
     * than it must on the task thread, where every object it touches is a cold cache line after a burst
     * of writes.
     */
    private WriterCopies lineBuffers;
    /** {@link #WRITING}, {@link #CLOSE_REQUESTED} or {@link #FINISHED}; changed by CAS only. */
    private volatile int closeHandoff;
    private static final int WRITING = 0;
    private static final int CLOSE_REQUESTED = 1;
    private static final int FINISHED = 2;
    private static final VarHandle CLOSE_HANDOFF;

    static
    {
        try
        {
            CLOSE_HANDOFF = MethodHandles.lookup().findVarHandle(StoreSnapshot.class, "closeHandoff", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    StoreSnapshot(
        final PagedKeyedStore store,
        final long snapshotId,
        final long epoch,
        final long baseEpoch,
        final int pageLimit,
        final KeyGroupDirectory[] tables,
        final List<String> stateNames,
        final int[] longStates,
        final boolean lineageSettled)
    {
        this.store = store;
        this.lineageSettled = lineageSettled;
        this.snapshotId = snapshotId;
        this.epoch = epoch;
        this.baseEpoch = baseEpoch;
        this.pageLimit = pageLimit;
        this.directories = new SnapshotDirectories(epoch, tables);
        this.stateNames = stateNames;
        this.longStates = longStates;
    }

    /**
     * The writer's "no snapshot yet": a snapshot of epoch 0 that captured nothing (no page is below its
     * page limit) and is done. A new store starts with it instead of null, so the writer's paths never
     * test for null: the JIT, which never saw a null there while it compiled them, would otherwise throw
     * its compiled {@code snapshot()} away at every new store's first snapshot and run it interpreted
     * (30–100 µs instead of 2–3) until it recompiled it hundreds of calls later.
     *
     * @param store the new store.
     * @return the completed empty snapshot.
     */
    static StoreSnapshot none(final PagedKeyedStore store)
    {
        final StoreSnapshot none = new StoreSnapshot(store, 0, 0, 0, 0, new KeyGroupDirectory[0], List.of(),
            new int[0], true);
        none.done = true;
        none.closeHandoff = FINISHED;
        return none;
    }

    /**
     * Tests: runs {@code hook} on the snapshot thread between each optimistic capture's copy and its
     * CAS, with the page id (or {@code -1 - slot} for a key group's page ids), so that a test can run
     * the writer exactly there. Set before {@link #write}.
     */
    void interleaveBeforePublish(final IntConsumer hook)
    {
        interleaving = hook;
    }

    /**
     * Tests: runs {@code hook} on the snapshot thread, while it assembles a page the writer captured line
     * by line, with {@code page << 32 | line}, after it found a line not preserved and before it reads
     * the live line: the writer may preserve and change the line there, and the snapshot thread must
     * notice. Set before {@link #write}.
     */
    void interleaveInsideLines(final LongConsumer hook)
    {
        lineInterleaving = hook;
    }

    boolean isDone()
    {
        return done;
    }

    /**
     * Captures every page this snapshot has not captured yet, so that a new snapshot may start while
     * this one is still being written: a copy of each changed page (memory, not I/O). Writer thread.
     */
    void captureAll()
    {
        for (int slot = 0; slot < directories.count(); slot++)
        {
            captureDirectoryForWriter(slot);
        }
        for (int page = 0; page < pageLimit; page++)
        {
            captureForWriter(page);
        }
    }

    /**
     * Writer: captures the page ids of table {@code slot} before it first changes them
     * ({@link SnapshotDirectories}). Never waits.
     */
    void captureDirectoryForWriter(final int slot)
    {
        directories.captureForWriter(slot);
    }

    /**
     * Snapshot thread: the page ids of table {@code slot} as of this snapshot
     * ({@link SnapshotDirectories}).
     */
    int[] captureDirectory(final int slot)
    {
        return directories.capture(slot, interleaving);
    }

    /**
     * @return the directory of table {@code slot}, for its key group and state; its page ids only
     * through {@link #captureDirectory}.
     */
    KeyGroupDirectory table(final int slot)
    {
        return directories.table(slot);
    }

    /**
     * Called by the writer closing the store: if this snapshot is still being written, it closes the
     * store when it is done.
     *
     * @return true if the snapshot took over closing the store.
     */
    boolean closeStoreWhenDone()
    {
        return CLOSE_HANDOFF.compareAndSet(this, WRITING, CLOSE_REQUESTED);
    }

    private boolean needsSave(final int page)
    {
        return baseEpoch == 0 || (store.barrier.captures.written(page) >>> 1) >= baseEpoch;
    }

    /**
     * Writer side of copy-on-write: called before the writer's first change of a page in this
     * snapshot's epoch. If the snapshot thread captured the page already, only its pending clear is
     * left to do. Otherwise the writer copies the page (if it changed since the last completed
     * snapshot) and publishes the copy by CAS ({@link PageCaptures}); if the snapshot thread's CAS came
     * first, the writer's copy is dropped. Never waits. Copies are kept per snapshot, so overlapping
     * snapshots never take each other's.
     */
    void captureForWriter(final int page)
    {
        final PageCaptures captures = store.barrier.captures;
        final long state = captures.acquireCapture(page);
        if (PageCaptures.epochOf(state) >= epoch)
        {
            clearIfPending(page, state);
            return;
        }
        final UnsafeBuffer live = store.arena.buffer(page);
        final int base = store.arena.offset(page);
        final boolean save = needsSave(page);
        UnsafeBuffer copy = null;
        if (save)
        {
            copy = store.copyPool.take();
            final long since = countsFrom(page, state);
            // a page that goes out as a delta needs only its changed lines: the task thread copies
            // those, not the whole page; the decision reads the lineage, which no thread changes
            // until this snapshot completes, and the snapshot thread repeats it on the copy
            final boolean delta = lineageSettled && deltaLines(page, since, live, base) >= 0;
            copyPage(live, base, copy, since, delta);
            if (null == copies)
            {
                copies = new WriterCopies(pageLimit);
            }
            copies.put(page, copy);
        }
        if (captures.casCapture(page, state, PageCaptures.state(epoch, false)))
        {
            if (save)
            {
                clearMap(page, live, base, epoch);
            }
            else
            {
                final long pendingSave = pendingSave(page, state);
                if (pendingSave >= 0)
                {
                    clearMap(page, live, base, pendingSave);
                }
            }
            return;
        }
        if (save)
        {
            copies.clear(page);
            store.copyPool.give(copy);
        }
        clearIfPending(page, captures.acquireCapture(page));
    }

    /**
     * Writer side of copy-on-write by the line ({@link LineCopies}): called before the writer's first
     * in-place change of a page in this snapshot's epoch. If the page is to be saved and nobody has
     * captured it yet, the writer copies no line now: it prepares a line buffer and publishes the
     * capture by CAS as a line capture; from then on it preserves each line before its first change.
     * Otherwise it captures as {@link #captureForWriter} does. Never waits.
     *
     * @return the line buffer to preserve lines in, or null if the page needs none.
     */
    UnsafeBuffer captureLinesForWriter(final int page)
    {
        final PageCaptures captures = store.barrier.captures;
        final long state = captures.acquireCapture(page);
        if (PageCaptures.epochOf(state) >= epoch)
        {
            clearIfPending(page, state);
            return null;
        }
        if (!needsSave(page))
        {
            captureForWriter(page);
            return null;
        }
        final UnsafeBuffer live = store.arena.buffer(page);
        final int base = store.arena.offset(page);
        final UnsafeBuffer buffer = store.copyPool.take();
        LineCopies.prepare(buffer, live, base, store.arena.pageSize(), countsFrom(page, state));
        if (null == lineBuffers)
        {
            lineBuffers = new WriterCopies(pageLimit);
        }
        lineBuffers.put(page, buffer);
        if (captures.casCapture(page, state, PageCaptures.linesState(epoch)))
        {
            clearMap(page, live, base, epoch);
            store.barrier.lineCopies.mapCleared(buffer);
            return buffer;
        }
        lineBuffers.clear(page);
        store.copyPool.give(buffer);
        clearIfPending(page, captures.acquireCapture(page));
        return null;
    }

    /**
     * The epoch a page's change map counts from, as the capturing thread sees it: the save the map was
     * last cleared for, or — if a save since has not been followed by the writer's clear yet — that
     * save: the map then marks a superset of the lines changed since it, which a delta may carry.
     * The writer reads the pending save's slot only for a state of the previous epoch, a slot the
     * snapshot thread does not write during this one.
     */
    private long countsFrom(final int page, final long state)
    {
        final long pendingSave = pendingSave(page, state);
        return pendingSave >= 0 ? pendingSave : store.barrier.captures.cleared(page);
    }

    /**
     * Writer: the epoch of the snapshot-thread save whose clear a capture state of the previous epoch
     * still carries, or -1 (none, or in an older state whose slot the snapshot thread may be writing).
     */
    private long pendingSave(final int page, final long state)
    {
        return PageCaptures.pendingClear(state) && PageCaptures.epochOf(state) == epoch - 1 ?
            store.barrier.captures.savedAt(page, epoch - 1) : -1;
    }

    /**
     * Writer: the snapshot thread captured and saved the page; clears its map before the writer's
     * first change, so the map counts from that save.
     */
    private void clearIfPending(final int page, final long state)
    {
        if (PageCaptures.pendingClear(state))
        {
            final PageCaptures captures = store.barrier.captures;
            final long epochOfState = PageCaptures.epochOf(state);
            clearMap(page, store.arena.buffer(page), store.arena.offset(page), captures.savedAt(page, epochOfState));
            captures.releaseCapture(page, PageCaptures.state(epochOfState, false));
        }
    }

    /**
     * Writer: clears the live page's change map, which from now counts from the save of {@code savedAt}.
     */
    private void clearMap(final int page, final UnsafeBuffer live, final int base, final long savedAt)
    {
        ChangedLines.clear(live, base, store.arena.pageSize());
        store.barrier.captures.cleared(page, savedAt);
    }

    /**
     * Writes the snapshot: a data file of changed pages ({@code <prefix>-c<snapshotId>.pages} in
     * {@code dataDirectory}), forced to disk, then the manifest, written atomically.
     *
     * @param manifestFile  where the manifest goes.
     * @param dataDirectory where data files go (shared by successive snapshots).
     * @param prefix        data file name prefix, unique to this store.
     * @return what was written.
     * @throws IOException on failure; the store's next snapshot is then incremental to the previous one.
     */
    public SnapshotResult write(final Path manifestFile, final Path dataDirectory, final String prefix)
        throws IOException
    {
        return write(manifestFile, dataDirectory, prefix, false);
    }

    /**
     * Writes the snapshot so that it stands alone in {@code directory} (a savepoint): the data files of
     * earlier snapshots it refers to are copied there. It does not become the base of later
     * incremental snapshots.
     *
     * @param manifestFile where the manifest goes.
     * @param directory    where every data file of the snapshot ends up.
     * @param prefix       data file name prefix.
     * @return what was written.
     * @throws IOException on failure.
     */
    public SnapshotResult writeStandalone(final Path manifestFile, final Path directory, final String prefix)
        throws IOException
    {
        return write(manifestFile, directory, prefix, true);
    }

    private SnapshotResult write(final Path manifestFile, final Path dataDirectory, final String prefix,
        final boolean standalone) throws IOException
    {
        try
        {
            return new SnapshotFileWriter(this, store, snapshotId, epoch, directories.count(), stateNames,
                longStates)
                .write(manifestFile, dataDirectory, prefix, standalone);
        }
        finally
        {
            finish();
        }
    }

    /**
     * Gives the snapshot up without writing anything: for a checkpoint that failed before this snapshot's
     * turn to be written came. It ends as a write that failed before it saved a page: the store's next
     * snapshot is incremental to the last completed one (pages the writer captured for this one go out
     * whole), and a store closed while this snapshot was pending is closed now. A snapshot neither
     * written nor discarded keeps a closed store's pages mapped, and makes the next snapshot copy every
     * page on the writer's thread. By the snapshot thread, instead of {@link #write} or
     * {@link #writeStandalone}, once.
     */
    public void discard()
    {
        finish();
    }

    private void finish()
    {
        done = true;
        if (!CLOSE_HANDOFF.compareAndSet(this, WRITING, FINISHED))
        {
            store.arena.close();
        }
    }

    /**
     * Whether a changed page goes out as a delta: its map counts from the last record of its saved chain
     * ({@code since}), the chain is under its limit, at most a quarter of the lines changed (any number
     * if the page changed in its inline values alone) and the chain's deltas stay under half a page (a
     * line of values expected to take two longs). Snapshot thread, or the writer while {@link #lineageSettled}
     * (the lineage changes only when a snapshot completes): both decide alike for the same page.
     *
     * @param since epoch the page's map counts from.
     * @param map   buffer holding the page (live or a copy) whose map is read.
     * @param base  the page's offset in it.
     * @return the number of changed lines, or -1 for a full image.
     */
    int deltaLines(final int page, final long since, final UnsafeBuffer map, final int base)
    {
        final int pageSize = store.arena.pageSize();
        final SnapshotLineage.Chain previous = 0 == baseEpoch ? null : store.lineage.chain(page);
        if (null == previous || since != previous.savedAt() ||
            previous.records().length > MIN_DELTA_LIMIT + (page & 7))
        {
            return -1;
        }
        final int lines = ChangedLines.count(map, base, pageSize);
        final int whole = ChangedLines.valuesOnly(map, base, pageSize) ? 0 : lines;
        final int contentLines = ChangedLines.contentLines(pageSize);
        final int bytes = PageRecords.HEADER + PageRecords.deltaPayloadEstimate(whole, lines - whole, contentLines);
        return whole * 4 <= contentLines && previous.deltaBytes() + bytes <= ChangedLines.layoutSize(pageSize) / 2 ?
            lines : -1;
    }

    /**
     * Copies a live page for this snapshot with its change map and, in the trailer, the epoch the map
     * counts from. Changes nothing in the live page: the copy is optimistic, published by a CAS.
     *
     * @param since            epoch the map counts from ({@link #countsFrom}).
     * @param changedLinesOnly copy only the map and the lines it marks (the page goes out as a delta).
     */
    private void copyPage(final UnsafeBuffer live, final int base, final UnsafeBuffer copy, final long since,
        final boolean changedLinesOnly)
    {
        final int pageSize = store.arena.pageSize();
        if (changedLinesOnly)
        {
            ChangedLines.copyChanged(live, base, copy, pageSize);
        }
        else
        {
            copy.putBytes(0, live, base, pageSize);
        }
        copy.putLong(pageSize, since | (changedLinesOnly ? LINES_ONLY : 0));
    }

    /**
     * Snapshot thread: captures a page the writer has not captured yet, optimistically (copy, then
     * CAS; see {@link PageCaptures}). A save leaves the live map as it is, flagged for the writer to
     * clear ({@link #clearIfPending}); the epoch of the save goes to the state's slot before the CAS.
     *
     * @param own the snapshot thread's copy buffer.
     * @return the copy to write (the writer's, or {@code own} filled here), or null if the page is
     * unchanged since the last completed snapshot.
     */
    UnsafeBuffer capture(final int page, final UnsafeBuffer own)
    {
        final PageCaptures captures = store.barrier.captures;
        final long state = captures.acquireCapture(page);
        if (PageCaptures.epochOf(state) >= epoch)
        {
            return capturedByWriter(page, state, own);
        }
        // written, cleared and the page are the writer's; read here while the writer may be capturing
        // the page itself, in which case its CAS wins, ours fails, and nothing read here is used
        final boolean save = needsSave(page);
        final boolean pending = PageCaptures.pendingClear(state);
        if (save)
        {
            final UnsafeBuffer live = store.arena.bufferForReader(page);
            final int base = store.arena.offset(page);
            final long since = pending ? captures.savedAt(page, PageCaptures.epochOf(state)) : captures.cleared(page);
            // a delta needs only the changed lines: copy those, not the whole page
            copyPage(live, base, own, since, deltaLines(page, since, live, base) >= 0);
            captures.savedAt(page, epoch, epoch);
        }
        else if (pending)
        {
            // unchanged since a save whose clear is still pending: carry it to this epoch's slot
            captures.savedAt(page, epoch, captures.savedAt(page, PageCaptures.epochOf(state)));
        }
        if (null != interleaving)
        {
            interleaving.accept(page);
        }
        if (captures.casCapture(page, state, PageCaptures.state(epoch, save || pending)))
        {
            return save ? own : null;
        }
        // the writer's CAS: its copy, if it made one, is in copies, or its line buffer in lineBuffers
        return capturedByWriter(page, captures.acquireCapture(page), own);
    }

    /**
     * Snapshot thread: the page as the writer captured it — its copy, or assembled into {@code own} from
     * the live page and the writer's line buffer — or null if the writer found it unchanged.
     */
    private UnsafeBuffer capturedByWriter(final int page, final long state, final UnsafeBuffer own)
    {
        if (!PageCaptures.lines(state))
        {
            final WriterCopies writerCopies = copies; // null if the writer found every page it captured unchanged
            return null == writerCopies ? null : writerCopies.take(page);
        }
        final UnsafeBuffer buffer = lineBuffers.get(page);
        final int pageSize = store.arena.pageSize();
        final int layout = ChangedLines.layoutSize(pageSize);
        final long since = buffer.getLong(pageSize);
        own.putBytes(layout, buffer, LineCopies.mapCopy(pageSize), ChangedLines.mapBytes(pageSize));
        final boolean delta = deltaLines(page, since, own, 0) >= 0;
        final LongConsumer hook = lineInterleaving;
        LineCopies.assemble(buffer, store.arena.bufferForReader(page), store.arena.offset(page), own, pageSize,
            delta, null == hook ? null : line -> hook.accept((long)page << 32 | line));
        // the page's last read: from here the writer may change it without preserving its lines
        LineCopies.markAssembled(buffer, pageSize);
        own.putLong(pageSize, since | (delta ? LINES_ONLY : 0));
        return own;
    }
}
