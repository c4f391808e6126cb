package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The writer's side of copy-on-write towards the snapshots of a {@link PagedKeyedStore}: it keeps the
 * epochs, starts snapshots, and is the barrier the writer passes before it changes a page or a key
 * group's directory, so that each snapshot sees the store as it was when it started.
 * <p>
 * <b>Epochs.</b> Starting a snapshot ({@link #startSnapshot}) costs the writer O(1): it bumps the epoch.
 * Afterwards the first write to a page the snapshot has not captured yet copies it first
 * ({@link StoreSnapshot#captureForWriter}), and the first split in a key group hands its directory's page
 * ids over first ({@link #beforeDirectoryChange}); the snapshot thread captures and writes the rest.
 * Only pages changed since the last completed snapshot are written — the others are referenced in the
 * files of earlier snapshots.
 * <p>
 * <b>Threading.</b> The writer thread calls every method but {@link #snapshotCompleted}, which the
 * snapshot thread calls. The epoch, the active snapshot and the per-key-group change epochs are the
 * writer's alone (plain fields); a snapshot carries its own copy of its epoch to the snapshot thread.
 * <p>
 * <b>Memory ordering.</b> {@link #snapshotCompleted}'s volatile store publishes the completed epoch to
 * the writer's next {@link #startSnapshot} (volatile load). The capture words, {@link #captures} per page
 * and one in each table's {@link KeyGroupDirectory}, are shared with the snapshot thread: either thread
 * copies what snapshot S needs optimistically and publishes it with one CAS from an older epoch to
 * {@code S}, so exactly one capture of each page and directory counts, and the other thread uses it
 * ({@link PageCaptures}). The writer changes nothing a snapshot still needs before its word is
 * {@code S}, and never waits for the snapshot thread.
 * <p>
 * <b>Cost.</b> A write costs one plain epoch check per page ({@link #beforeWrite}) unless a snapshot
 * still needs the page: no allocation, lock or system call. An in-place update — a long, or a value
 * overwritten by one of the same length ({@link #beforeInPlaceWrite}) — of a page a snapshot still needs
 * preserves only the line(s) it changes ({@link LineCopies}), not the page: ~64 bytes instead of ~64 KiB
 * right after a checkpoint barrier.
 */
final class CopyOnWriteBarrier
{
    final PageCaptures captures = new PageCaptures();
    /** The writer's line buffers, for pages it captures by the line. */
    final LineCopies lineCopies;
    private final PagedKeyedStore store;
    /** Writer's epoch: incremented by every snapshot; the snapshot thread reads only its snapshot's copy. */
    private long epoch;
    /** {@code epoch << 1}: a page's {@link PageCaptures#written} once the writer may change it freely. */
    private long writtenNow;
    /** Written by the snapshot thread when a snapshot completes (volatile store), read by the writer. */
    private volatile long lastCompletedEpoch;
    /** The latest snapshot started, or {@link StoreSnapshot#none} (never null); writer thread. */
    private StoreSnapshot activeForWriter;

    /**
     * @param store the store whose snapshots this starts; still being constructed.
     */
    CopyOnWriteBarrier(final PagedKeyedStore store)
    {
        this.store = store;
        this.activeForWriter = StoreSnapshot.none(store);
        this.lineCopies = new LineCopies(store.arena.pageSize());
    }

    /**
     * Starts a snapshot of the store as it is now, in O(1): a new epoch. See
     * {@link PagedKeyedStore#snapshot(long)}.
     *
     * @param snapshotId caller's id, recorded in the manifest.
     * @param full       whether every page is written, rather than those changed since the last completed
     *                   snapshot.
     * @return the snapshot, now the one the writer preserves pages for.
     */
    StoreSnapshot startSnapshot(final long snapshotId, final boolean full)
    {
        final StoreSnapshot previous = activeForWriter;
        final boolean lineageSettled = previous.isDone();
        if (!lineageSettled)
        {
            // rare (a checkpoint aborted while its snapshot was still written): copy what the previous
            // snapshot still needs, so both can proceed without waiting for its I/O
            completeLineCaptures(previous);
            previous.captureAll();
        }
        final long snapshotEpoch = ++epoch;
        writtenNow = snapshotEpoch << 1;
        final StoreSnapshot snapshot = new StoreSnapshot(store, snapshotId, snapshotEpoch,
            full ? 0 : lastCompletedEpoch, store.arena.pageCount(), store.tables(), store.stateNames(),
            store.states.longStates(), lineageSettled);
        activeForWriter = snapshot;
        return snapshot;
    }

    /**
     * Called on the snapshot thread when a snapshot's files are durable: later snapshots are incremental
     * to it. The volatile store publishes it to the writer's next {@link #startSnapshot}.
     */
    void snapshotCompleted(final StoreSnapshot snapshot)
    {
        lastCompletedEpoch = snapshot.epoch;
    }

    /**
     * The copy-on-write barrier, called by the writer before it changes a page: a plain check of the
     * page's last write epoch, so only the first change of a page after a snapshot pays anything — or,
     * on a page whose lines are being preserved, this change, which is not by the line: the lines not
     * preserved yet are, all at once.
     */
    void beforeWrite(final int page)
    {
        final long written = captures.written(page);
        if (written == writtenNow)
        {
            return;
        }
        if (written == (writtenNow | 1))
        {
            leaveLineMode(page, store.arena.address(page));
            return;
        }
        releaseLines(page);
        final StoreSnapshot snapshot = activeForWriter;
        if (page < snapshot.pageLimit)
        {
            snapshot.captureForWriter(page);
        }
        captures.written(page, writtenNow);
    }

    /**
     * The copy-on-write barrier of an in-place change of the {@code length} bytes at {@code address} (a
     * long, or a value overwritten by one of the same length, so that no other byte of the page changes):
     * the same check as {@link #beforeWrite}; after a snapshot started, the page is captured by the line
     * ({@link LineCopies}): the line(s) about to change are preserved, already in the cache, instead of
     * the whole page.
     *
     * @param pageAddress address of the page.
     * @param address     address of the first byte about to change, in the page.
     * @param length      bytes about to change, at least 1.
     */
    void beforeInPlaceWrite(final int page, final long pageAddress, final long address, final int length)
    {
        final long written = captures.written(page);
        if (written == writtenNow)
        {
            return;
        }
        beforeInPlaceWriteSlow(page, written, pageAddress, address, length);
    }

    private void beforeInPlaceWriteSlow(final int page, final long written, final long pageAddress,
        final long address, final int length)
    {
        final StoreSnapshot snapshot = activeForWriter;
        if (written == (writtenNow | 1))
        {
            if (snapshot.isDone() || lineCopies.assembled(page))
            {
                leaveLineMode(page, pageAddress);
            }
            else
            {
                preserveBytes(page, lineCopies.buffer(page), pageAddress, address, length);
            }
            return;
        }
        releaseLines(page);
        if (page < snapshot.pageLimit)
        {
            final UnsafeBuffer buffer = snapshot.captureLinesForWriter(page);
            if (null != buffer)
            {
                lineCopies.attach(page, buffer, snapshot);
                captures.written(page, writtenNow | 1);
                preserveBytes(page, buffer, pageAddress, address, length);
                return;
            }
        }
        captures.written(page, writtenNow);
    }

    private void preserveBytes(final int page, final UnsafeBuffer buffer, final long pageAddress,
        final long address, final int length)
    {
        if (lineCopies.preserveBytes(page, buffer, pageAddress, address, length))
        {
            // so many lines changed that one copy of the rest is cheaper
            leaveLineMode(page, pageAddress);
        }
    }

    /**
     * Ends a page's line mode; its changes are free again. If the snapshot is done, the snapshot thread
     * reads the line buffer no more and it is detached; if it has assembled the page, it reads neither
     * the page nor the buffer again, which stays attached until the page's next capture or change in a
     * later epoch ({@link #releaseLines}); otherwise every line not preserved yet is, at once, so that
     * the snapshot thread no longer reads the live page.
     */
    private void leaveLineMode(final int page, final long pageAddress)
    {
        if (activeForWriter.isDone())
        {
            lineCopies.detach(page, store.copyPool);
        }
        else if (!lineCopies.assembled(page))
        {
            lineCopies.preserveAll(lineCopies.buffer(page), pageAddress);
        }
        captures.written(page, writtenNow);
    }

    /**
     * @return whether the writer preserves the page's lines for the running snapshot before it changes
     * them ({@link LineCopies}): its changes go through the slow path until the page leaves line mode.
     */
    boolean inLineMode(final int page)
    {
        return captures.written(page) == (writtenNow | 1);
    }

    /**
     * Before the first change of a page in an epoch: a line buffer left from an earlier snapshot is
     * detached.
     */
    private void releaseLines(final int page)
    {
        if (null != lineCopies.buffer(page))
        {
            lineCopies.detach(page, store.copyPool);
        }
    }

    /**
     * Before a snapshot starts while {@code previous} is still written: every page whose lines the
     * writer preserves for it gets all its lines preserved, so that the snapshot thread no longer reads
     * the live page, which the writer is about to change for the new snapshot.
     */
    private void completeLineCaptures(final StoreSnapshot previous)
    {
        for (int page = 0; page < previous.pageLimit; page++)
        {
            if (captures.written(page) == (writtenNow | 1))
            {
                leaveLineMode(page, store.arena.address(page));
            }
        }
    }

    /**
     * The copy-on-write barrier of a directory, before the writer changes its page ids: the active
     * snapshot gets the ids as they are, and the next change copies them.
     */
    void beforeDirectoryChange(final KeyGroupDirectory directory)
    {
        if (directory.changedInEpoch() == epoch)
        {
            return;
        }
        activeForWriter.captureDirectoryForWriter(directory.slot());
        directory.share();
        directory.changedInEpoch(epoch);
    }

    /**
     * Registers a page just allocated, as written in the current epoch: no snapshot started so far holds
     * it (it is at or above their page limits), so its first change costs nothing.
     */
    void pageAllocated(final int page)
    {
        captures.ensure(page);
        captures.written(page, writtenNow);
    }

    /**
     * Called by the writer closing the store: if the latest snapshot is still being written, it closes the
     * store when it is done.
     *
     * @return true if the snapshot took over closing the store.
     */
    boolean closeStoreAfterSnapshot()
    {
        return activeForWriter.closeStoreWhenDone();
    }
}
