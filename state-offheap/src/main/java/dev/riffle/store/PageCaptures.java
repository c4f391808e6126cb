package dev.riffle.store;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-page copy-on-write bookkeeping shared by the writer and the snapshot thread, in chunks that are
 * never moved once created (growing adds chunks), so both threads can use a chunk while the writer
 * grows the structure.
 * <p>
 * <b>Capture state.</b> {@code capture[p]} is a {@link #state}: the epoch of the latest snapshot for
 * which page p has been captured, a pending-clear flag, and a lines flag (the writer captured the page
 * line by line, {@link LineCopies}). Either thread may capture p for snapshot
 * S, <em>optimistically</em>: it copies the page (if it changed since the last completed snapshot)
 * without claiming it first, then publishes the capture with a CAS from the state it read before
 * copying to epoch S. Exactly one CAS succeeds; the loser discards its copy. Nobody waits: the writer
 * changes p only after the state reached S — by its own CAS or by its acquire of the snapshot thread's
 * — so a successful snapshot-thread CAS proves that the writer did not touch the page while it was
 * copied (the copy's loads precede the release of the CAS; the writer's stores follow its acquire).
 * A preempted snapshot thread therefore never stalls the writer, whatever the thread priorities.
 * <p>
 * <b>Writer-owned fields.</b> Only the writer changes a live page, so only the writer clears a page's
 * {@link ChangedLines} map and records in {@code cleared[p]} the epoch of the save the map now counts
 * from. When the snapshot thread's capture saved the page, it sets the pending-clear flag, and the
 * writer clears the map before its first change of the page ({@link StoreSnapshot#captureForWriter});
 * until then the map still marks only lines that save holds. {@code written[p]}, the epoch of the
 * writer's latest change of p (shifted left by one; the low bit set while the writer preserves the
 * page's lines for that epoch's snapshot, {@link CopyOnWriteBarrier}), is plain too. The snapshot thread reads {@code cleared} and
 * {@code written} during its optimistic copy; the writer changes them only after a capture for the
 * snapshot being taken, which makes the snapshot thread's CAS fail, so a value read while it changed is
 * never used.
 * <p>
 * <b>Snapshot-thread-owned field.</b> {@code savedAt[p]} holds, per capture epoch parity, the epoch of
 * the save a pending clear stands for: the snapshot thread writes the slot of epoch S before its CAS
 * for S (publishing it), the writer reads it after acquiring a state of epoch S with the flag set. The
 * snapshot thread writes the other slot for S + 1, and the slot of S again only for S + 2, which
 * cannot start before the writer has moved on.
 */
final class PageCaptures
{
    private static final int CHUNK_SHIFT = 12;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;
    private static final long PENDING_CLEAR = 1L;
    private static final long LINES = 2L;

    private volatile AtomicLongArray[] capture = new AtomicLongArray[0];
    private long[][] written = new long[0][];
    private volatile long[][] cleared = new long[0][];
    private volatile long[][] savedAt = new long[0][];

    /**
     * @param epoch        the snapshot the page is captured for.
     * @param pendingClear the snapshot thread saved the page and the writer has yet to clear its map.
     * @return the capture state.
     */
    static long state(final long epoch, final boolean pendingClear)
    {
        return epoch << 2 | (pendingClear ? PENDING_CLEAR : 0L);
    }

    /**
     * @return the state of a page the writer captured for {@code epoch} line by line
     * ({@link LineCopies}): the snapshot's copy is the live page with the lines the writer preserved.
     */
    static long linesState(final long epoch)
    {
        return epoch << 2 | LINES;
    }

    static long epochOf(final long state)
    {
        return state >>> 2;
    }

    /**
     * @return whether the page was captured line by line.
     */
    static boolean lines(final long state)
    {
        return 0 != (state & LINES);
    }

    static boolean pendingClear(final long state)
    {
        return 0 != (state & PENDING_CLEAR);
    }

    /**
     * Makes room for page {@code page}; writer thread.
     */
    void ensure(final int page)
    {
        final int chunk = page >>> CHUNK_SHIFT;
        if (chunk < written.length)
        {
            return;
        }
        final int n = chunk + 1;
        final AtomicLongArray[] c = Arrays.copyOf(capture, n);
        final long[][] w = Arrays.copyOf(written, n);
        final long[][] k = Arrays.copyOf(cleared, n);
        final long[][] s = Arrays.copyOf(savedAt, n);
        for (int i = written.length; i < n; i++)
        {
            c[i] = new AtomicLongArray(1 << CHUNK_SHIFT);
            w[i] = new long[1 << CHUNK_SHIFT];
            k[i] = new long[1 << CHUNK_SHIFT];
            s[i] = new long[2 << CHUNK_SHIFT];
        }
        written = w;
        cleared = k;
        savedAt = s;
        capture = c;
    }

    long written(final int page)
    {
        return written[page >>> CHUNK_SHIFT][page & CHUNK_MASK];
    }

    void written(final int page, final long epoch)
    {
        written[page >>> CHUNK_SHIFT][page & CHUNK_MASK] = epoch;
    }

    /**
     * @return epoch of the save the page's change map counts from.
     */
    long cleared(final int page)
    {
        return cleared[page >>> CHUNK_SHIFT][page & CHUNK_MASK];
    }

    /**
     * Writer thread only.
     */
    void cleared(final int page, final long epoch)
    {
        cleared[page >>> CHUNK_SHIFT][page & CHUNK_MASK] = epoch;
    }

    /**
     * @param captureEpoch epoch of the capture state carrying the pending clear.
     * @return epoch of the save the pending clear stands for.
     */
    long savedAt(final int page, final long captureEpoch)
    {
        return savedAt[page >>> CHUNK_SHIFT][(page & CHUNK_MASK) << 1 | (int)(captureEpoch & 1)];
    }

    /**
     * Snapshot thread only, before its capture CAS for {@code captureEpoch}.
     */
    void savedAt(final int page, final long captureEpoch, final long saveEpoch)
    {
        savedAt[page >>> CHUNK_SHIFT][(page & CHUNK_MASK) << 1 | (int)(captureEpoch & 1)] = saveEpoch;
    }

    long acquireCapture(final int page)
    {
        return capture[page >>> CHUNK_SHIFT].getAcquire(page & CHUNK_MASK);
    }

    boolean casCapture(final int page, final long expected, final long value)
    {
        return capture[page >>> CHUNK_SHIFT].compareAndSet(page & CHUNK_MASK, expected, value);
    }

    /**
     * Writer thread, for a page captured for its current snapshot (nobody else changes the state then).
     */
    void releaseCapture(final int page, final long state)
    {
        capture[page >>> CHUNK_SHIFT].setRelease(page & CHUNK_MASK, state);
    }
}
