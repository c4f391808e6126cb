package dev.riffle.store;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;

/**
 * The page ids of every key group's directory as of one snapshot, captured lazily and optimistically,
 * as pages are ({@link PageCaptures}): by the writer before its first split in a key group after the
 * snapshot started, or by the snapshot thread when it gets to the key group, whichever publishes first
 * by a CAS of the key group's capture word ({@link CopyOnWriteBarrier#directoryCaptures}) from the state
 * it read to the snapshot's epoch. The writer replaces a directory's array only after a capture, so
 * either way the snapshot sees the page ids as of {@code snapshot()}. Neither thread waits.
 */
final class SnapshotDirectories
{
    private final PagedKeyedStore store;
    private final long epoch;
    private final int[][] captured;

    SnapshotDirectories(final PagedKeyedStore store, final long epoch, final int keyGroups)
    {
        this.store = store;
        this.epoch = epoch;
        this.captured = new int[keyGroups][];
    }

    /**
     * @return key groups of the store.
     */
    int count()
    {
        return captured.length;
    }

    /**
     * Writer: captures the page ids of key group {@code slot}, if the snapshot thread has not yet, before
     * the writer first changes them. The array goes to the snapshot, then the CAS; if the snapshot
     * thread's CAS came first it took the same array, so the store of it here is harmless.
     */
    void captureForWriter(final int slot)
    {
        final AtomicLongArray captures = store.barrier.directoryCaptures;
        final long state = captures.getAcquire(slot);
        if (state < epoch)
        {
            captured[slot] = store.directories[slot].pages();
            captures.compareAndSet(slot, state, epoch);
        }
    }

    /**
     * Snapshot thread: the page ids of key group {@code slot} as of the snapshot — captured by the
     * writer, or taken here: the array is read, then the CAS. A failed CAS means the writer captured
     * them meanwhile (and may have replaced the array since); its capture is then the one used.
     *
     * @param interleaving test hook run between the read and the CAS with {@code -1 - slot}, or null.
     * @return the page ids as of the snapshot.
     */
    int[] capture(final int slot, final IntConsumer interleaving)
    {
        final AtomicLongArray captures = store.barrier.directoryCaptures;
        final long state = captures.getAcquire(slot);
        if (state >= epoch)
        {
            return captured[slot];
        }
        final int[] pages = store.directories[slot].pages();
        if (null != interleaving)
        {
            interleaving.accept(-1 - slot);
        }
        if (captures.compareAndSet(slot, state, epoch))
        {
            captured[slot] = pages;
            return pages;
        }
        captures.getAcquire(slot);
        return captured[slot];
    }
}
