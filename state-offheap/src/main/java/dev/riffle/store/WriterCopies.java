package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The page copies the writer made for one snapshot, by page id, handed to the snapshot thread without
 * a lock: the writer and the snapshot thread share no monitor, so neither can keep the other waiting
 * (a {@code ConcurrentHashMap} locks a bin while it changes it). Slots come in chunks of 1,024 pages,
 * allocated by the writer at its first copy in a chunk; the chunk table is sized at
 * {@link PagedKeyedStore#snapshot(long)} for the pages that snapshot holds, a few entries per million
 * keys.
 * <p>
 * <b>Memory ordering.</b> The writer stores a copy (and, once, its chunk) before the capture CAS that
 * publishes the page to the snapshot thread; the snapshot thread reads the slot only after acquiring
 * that capture state. If the writer's CAS loses, it clears the slot it filled; the snapshot thread,
 * which won, never reads it.
 */
final class WriterCopies
{
    private static final int CHUNK_SHIFT = 10;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

    private final AtomicReferenceArray<AtomicReferenceArray<UnsafeBuffer>> chunks;

    /**
     * @param pageLimit pages the snapshot holds: ids 0 to pageLimit - 1.
     */
    WriterCopies(final int pageLimit)
    {
        chunks = new AtomicReferenceArray<>((pageLimit + CHUNK_MASK) >>> CHUNK_SHIFT);
    }

    /**
     * Writer: the copy of a page, before its capture CAS.
     */
    void put(final int page, final UnsafeBuffer copy)
    {
        final int index = page >>> CHUNK_SHIFT;
        AtomicReferenceArray<UnsafeBuffer> chunk = chunks.get(index);
        if (null == chunk)
        {
            chunk = new AtomicReferenceArray<>(1 << CHUNK_SHIFT);
            chunks.set(index, chunk);
        }
        chunk.set(page & CHUNK_MASK, copy);
    }

    /**
     * Writer: its capture CAS lost; the slot it filled is empty again.
     */
    void clear(final int page)
    {
        chunks.get(page >>> CHUNK_SHIFT).set(page & CHUNK_MASK, null);
    }

    /**
     * @return the copy of a page, left in place, or null.
     */
    UnsafeBuffer get(final int page)
    {
        final AtomicReferenceArray<UnsafeBuffer> chunk = chunks.get(page >>> CHUNK_SHIFT);
        return null == chunk ? null : chunk.get(page & CHUNK_MASK);
    }

    /**
     * Snapshot thread, after acquiring the writer's capture state of the page.
     *
     * @return the writer's copy, or null if the writer found the page unchanged.
     */
    UnsafeBuffer take(final int page)
    {
        final AtomicReferenceArray<UnsafeBuffer> chunk = chunks.get(page >>> CHUNK_SHIFT);
        return null == chunk ? null : chunk.getAndSet(page & CHUNK_MASK, null);
    }
}
