package dev.riffle.store;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-page copy-on-write bookkeeping shared by the writer and the snapshot thread, in chunks that are
 * never moved once created (growing adds chunks), so both threads can use a chunk while the writer
 * grows the structure.
 * <p>
 * {@code capture[p]} holds the epoch of the latest snapshot for which page p's content has been
 * captured, or its negation while a thread is copying it. Exactly one thread wins the CAS from an
 * older epoch to {@code -S}; it copies the page (if it changed since the last completed snapshot)
 * into the snapshot's copies, then stores {@code S} with release semantics, which publishes the copy. The
 * writer never modifies a page of an active snapshot before its capture is {@code S}; a thread that
 * sees {@code -S} waits for a page copy (a memcpy, microseconds), never for I/O.
 * <p>
 * {@code cleared[p]}, the epoch of the snapshot that last saved p and cleared its {@link ChangedLines}
 * map, is plain and read and written only by the thread holding p's capture (the CAS and the release
 * order successive holders).
 * <p>
 * {@code written[p]}, the epoch of the latest write to p, is plain: only the writer writes it, and the
 * snapshot thread reads it only for a page whose capture CAS it won, which the writer cannot have
 * written since the snapshot was activated (release) and read by the snapshot thread (acquire).
 */
final class PageCaptures
{
    private static final int CHUNK_SHIFT = 12;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

    private volatile AtomicLongArray[] capture = new AtomicLongArray[0];
    private long[][] written = new long[0][];
    private volatile long[][] cleared = new long[0][];

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
        for (int i = written.length; i < n; i++)
        {
            c[i] = new AtomicLongArray(1 << CHUNK_SHIFT);
            w[i] = new long[1 << CHUNK_SHIFT];
            k[i] = new long[1 << CHUNK_SHIFT];
        }
        written = w;
        cleared = k;
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
     * @return epoch of the snapshot that last saved the page; by the capture's holder only.
     */
    long cleared(final int page)
    {
        return cleared[page >>> CHUNK_SHIFT][page & CHUNK_MASK];
    }

    void cleared(final int page, final long epoch)
    {
        cleared[page >>> CHUNK_SHIFT][page & CHUNK_MASK] = epoch;
    }

    long capture(final int page)
    {
        return capture[page >>> CHUNK_SHIFT].get(page & CHUNK_MASK);
    }

    boolean casCapture(final int page, final long expected, final long value)
    {
        return capture[page >>> CHUNK_SHIFT].compareAndSet(page & CHUNK_MASK, expected, value);
    }

    void releaseCapture(final int page, final long epoch)
    {
        capture[page >>> CHUNK_SHIFT].setRelease(page & CHUNK_MASK, epoch);
    }

    long acquireCapture(final int page)
    {
        return capture[page >>> CHUNK_SHIFT].getAcquire(page & CHUNK_MASK);
    }

}
