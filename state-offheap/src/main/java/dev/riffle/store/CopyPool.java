package dev.riffle.store;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Direct buffers for copy-on-write copies, reused from snapshot to snapshot: the writer takes one when it
 * must copy a page before changing it, the snapshot thread gives it back once the copy is on disk.
 * Allocates only while the pool is short (the first snapshots, or a burst of writes larger than any
 * before).
 * <p>
 * A copy is the page (with its {@link ChangedLines} map) followed by an 8-byte trailer at offset
 * {@code pageSize}: the epoch of the snapshot from which the map counts changes, recorded by the
 * capturing thread, so the snapshot thread can tell whether the map is a delta against the page's
 * last saved chain.
 */
final class CopyPool
{
    private final int pageSize;
    private final ManyToManyConcurrentArrayQueue<UnsafeBuffer> free = new ManyToManyConcurrentArrayQueue<>(4096);

    CopyPool(final int pageSize)
    {
        this.pageSize = pageSize;
    }

    /**
     * @return a buffer of {@code pageSize + 8} bytes and room for a copy of a page's change map
     * ({@link LineCopies}).
     */
    UnsafeBuffer take()
    {
        final UnsafeBuffer buffer = free.poll();
        return null != buffer ? buffer : allocate(pageSize);
    }

    void give(final UnsafeBuffer buffer)
    {
        free.offer(buffer);
    }

    /**
     * @return a new copy buffer for pages of {@code pageSize}.
     */
    static UnsafeBuffer allocate(final int pageSize)
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(LineCopies.bufferSize(pageSize)));
    }
}
