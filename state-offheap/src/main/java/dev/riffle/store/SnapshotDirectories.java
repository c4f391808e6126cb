package dev.riffle.store;

import java.util.function.IntConsumer;

/**
 * The page ids of every table's directory as of one snapshot — one per key group for the byte states,
 * then one per key group and long state ({@link KeyGroupDirectory}) — captured lazily and
 * optimistically, as pages are ({@link PageCaptures}): by the writer before its first split in a table
 * after the snapshot started, or by the snapshot thread when it gets to the table, whichever publishes
 * first by a CAS of the directory's capture word ({@link KeyGroupDirectory#casCapture}) from the state it
 * read to the snapshot's epoch. The writer replaces a directory's array only after a capture, so either
 * way the snapshot sees the page ids as of {@code snapshot()}. Neither thread waits.
 * <p>
 * The snapshot holds the store's list of tables as it was at {@code snapshot()}: tables of a long state
 * registered later are not in it (they were empty then), and the list itself is never changed, only
 * replaced by a longer one.
 */
final class SnapshotDirectories
{
    private final long epoch;
    private final KeyGroupDirectory[] tables;
    private final int[][] captured;

    SnapshotDirectories(final long epoch, final KeyGroupDirectory[] tables)
    {
        this.epoch = epoch;
        this.tables = tables;
        this.captured = new int[tables.length][];
    }

    /**
     * @return tables of the snapshot.
     */
    int count()
    {
        return captured.length;
    }

    /**
     * @return the directory of table {@code slot}, for its key group and state.
     */
    KeyGroupDirectory table(final int slot)
    {
        return tables[slot];
    }

    /**
     * Writer: captures the page ids of table {@code slot}, if the snapshot thread has not yet, before
     * the writer first changes them. The array goes to the snapshot, then the CAS; if the snapshot
     * thread's CAS came first it took the same array, so the store of it here is harmless. A table the
     * snapshot does not hold (registered after it started) needs nothing.
     */
    void captureForWriter(final int slot)
    {
        if (slot >= captured.length)
        {
            return;
        }
        final KeyGroupDirectory directory = tables[slot];
        final long state = directory.captureEpoch();
        if (state < epoch)
        {
            captured[slot] = directory.pages();
            directory.casCapture(state, epoch);
        }
    }

    /**
     * Snapshot thread: the page ids of table {@code slot} as of the snapshot — captured by the writer,
     * or taken here: the array is read, then the CAS. A failed CAS means the writer captured them
     * meanwhile (and may have replaced the array since); its capture is then the one used.
     *
     * @param interleaving test hook run between the read and the CAS with {@code -1 - slot}, or null.
     * @return the page ids as of the snapshot.
     */
    int[] capture(final int slot, final IntConsumer interleaving)
    {
        final KeyGroupDirectory directory = tables[slot];
        final long state = directory.captureEpoch();
        if (state >= epoch)
        {
            return captured[slot];
        }
        final int[] pages = directory.pages();
        if (null != interleaving)
        {
            interleaving.accept(-1 - slot);
        }
        if (directory.casCapture(state, epoch))
        {
            captured[slot] = pages;
            return pages;
        }
        directory.captureEpoch();
        return captured[slot];
    }
}
