package dev.riffle.store;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Page-sized direct buffers for copy-on-write copies, reused from snapshot to snapshot: the writer
 * takes one when it must copy a page before changing it, the snapshot thread gives it back once the
 * copy is on disk. Allocates only while the pool is short (the first snapshots, or a burst of
 * writes larger than any before).
 */
final class CopyPool
{
    private final int pageSize;
    private final ManyToManyConcurrentArrayQueue<UnsafeBuffer> free = new ManyToManyConcurrentArrayQueue<>(4096);

    CopyPool(final int pageSize)
    {
        this.pageSize = pageSize;
    }

    UnsafeBuffer take()
    {
        final UnsafeBuffer buffer = free.poll();
        return null != buffer ? buffer : new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
    }

    void give(final UnsafeBuffer buffer)
    {
        free.offer(buffer);
    }
}
