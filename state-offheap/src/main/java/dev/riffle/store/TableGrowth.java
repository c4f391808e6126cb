package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Growth of the key groups' extendible hash tables of a {@link PagedKeyedStore}: it creates pages and
 * directories, and makes room for an entry in a full page. A page that runs out of room is rebuilt (if
 * dead entries or a better cell/heap division make room) or split in two by the next hash bit; the
 * directory doubles when a page is as deep as it. Growth is one page at a time, never a rehash of a
 * table, so the worst operation is one page split or one directory doubling: microseconds.
 * <p>
 * <b>Threading.</b> Writer thread only: page allocation and the scratch page are not thread-safe. (A
 * restore allocates its pages on the calling thread before its workers start, see {@link StoreRestore}.)
 * <p>
 * <b>Memory ordering.</b> None of its own: it passes the {@link CopyOnWriteBarrier} before it changes a
 * page or a directory's page ids, whose capture protocol orders those changes after a running snapshot
 * took what it needs; a new page is registered as written in the current epoch, which no running
 * snapshot holds.
 */
final class TableGrowth
{
    private final PageArena arena;
    private final CopyOnWriteBarrier barrier;
    private final int pageSize;
    /** Bytes of a page the entries use; the page's {@link ChangedLines} map follows. */
    private final int layoutSize;
    /** A copy of the page being rebuilt or split: the rebuild reads the entries from it. */
    private final UnsafeBuffer scratch;

    TableGrowth(final PageArena arena, final CopyOnWriteBarrier barrier, final int pageSize)
    {
        this.arena = arena;
        this.barrier = barrier;
        this.pageSize = pageSize;
        this.layoutSize = ChangedLines.layoutSize(pageSize);
        this.scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
    }

    /**
     * @return a new page, left as mapped (zeroed) for a restore to fill with a saved image.
     */
    int restoredPage()
    {
        final int page = arena.allocate();
        barrier.pageAllocated(page);
        return page;
    }

    private int newPage(final int localDepth)
    {
        final int page = restoredPage();
        BucketPage.init(arena.buffer(page), arena.offset(page), layoutSize, localDepth,
            BucketPage.cellsFor(layoutSize, 0, 0));
        ChangedLines.markAll(arena.buffer(page), arena.offset(page), pageSize);
        return page;
    }

    /**
     * @return a directory of one new page, its caches filled.
     */
    KeyGroupDirectory newDirectory(final int slot)
    {
        final KeyGroupDirectory directory = new KeyGroupDirectory(slot, new int[]{newPage(0)});
        directory.refresh(arena);
        return directory;
    }

    /**
     * @return a directory of one new long page for a long state's table of a key group, its caches filled.
     */
    KeyGroupDirectory newLongDirectory(final int slot, final int keyGroupIndex, final int stateId)
    {
        final KeyGroupDirectory directory =
            new KeyGroupDirectory(slot, keyGroupIndex, stateId, new int[]{newLongPage(0)});
        directory.refresh(arena);
        return directory;
    }

    private int newLongPage(final int localDepth)
    {
        final int page = restoredPage();
        LongPage.init(arena.address(page), layoutSize, localDepth);
        ChangedLines.markAll(arena.buffer(page), arena.offset(page), pageSize);
        return page;
    }

    /**
     * @return the page of a long state's table for this hash with room for one more entry, made writable:
     * split as needed (a long page never needs a rebuild: it has no tombstones or heap).
     */
    int longPageWithRoom(final KeyGroupDirectory directory, final int hash, final int stateId, final int cellCount)
    {
        while (true)
        {
            final int page = directory.pageFor(hash);
            barrier.beforeWrite(page);
            if (LongPage.hasRoom(arena.address(page), cellCount))
            {
                return page;
            }
            splitLong(directory, hash, page, stateId, cellCount);
        }
    }

    private void splitLong(final KeyGroupDirectory directory, final int hash, final int page, final int stateId,
        final int cellCount)
    {
        barrier.beforeDirectoryChange(directory);
        final long address = arena.address(page);
        final int depth = LongPage.localDepth(address);
        if (depth >= 30)
        {
            throw new IllegalStateException("key group table cannot split further: too many keys with equal hashes");
        }
        if (depth == directory.depth())
        {
            directory.doubleSize();
        }
        final int sibling = restoredPage();
        final long siblingAddress = arena.address(sibling);
        scratch.putBytes(0, arena.buffer(page), arena.offset(page), pageSize);
        LongPage.init(address, layoutSize, depth + 1);
        LongPage.splitInto(scratch.addressOffset(), address, cellCount, stateId, depth, 0);
        LongPage.init(siblingAddress, layoutSize, depth + 1);
        LongPage.splitInto(scratch.addressOffset(), siblingAddress, cellCount, stateId, depth, 1);
        ChangedLines.markAll(arena.buffer(page), arena.offset(page), pageSize);
        ChangedLines.markAll(arena.buffer(sibling), arena.offset(sibling), pageSize);
        directory.split(hash, depth, page, sibling);
        directory.pageChanged(hash & ~(1 << depth), depth + 1, address, 0);
        directory.pageChanged(hash | (1 << depth), depth + 1, siblingAddress, 0);
    }

    /**
     * @return the page for this hash with room for the entry, made writable: rebuilt or split as needed.
     */
    int pageWithRoom(final KeyGroupDirectory directory, final int hash, final int keyLength,
        final int valueLength)
    {
        while (true)
        {
            final int page = directory.pageFor(hash);
            final UnsafeBuffer buffer = arena.buffer(page);
            final int base = arena.offset(page);
            barrier.beforeWrite(page);
            if (BucketPage.hasRoom(buffer, base, keyLength, valueLength))
            {
                return page;
            }
            if (BucketPage.roomAfterRebuild(buffer, base, layoutSize, keyLength, valueLength))
            {
                scratch.putBytes(0, buffer, base, pageSize);
                BucketPage.rebuild(scratch, 0, buffer, base, layoutSize, buffer.getInt(base + BucketPage.LOCAL_DEPTH),
                    -1, false, true, BucketPage.heapLength(keyLength, valueLength));
                ChangedLines.markAll(buffer, base, pageSize);
                pageChanged(directory, hash, page);
                continue;
            }
            split(directory, hash, page);
        }
    }

    private void split(final KeyGroupDirectory directory, final int hash, final int page)
    {
        barrier.beforeDirectoryChange(directory);
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        final int depth = buffer.getInt(base + BucketPage.LOCAL_DEPTH);
        if (depth >= 30)
        {
            throw new IllegalStateException("key group table cannot split further: too many keys with equal hashes");
        }
        if (depth == directory.depth())
        {
            directory.doubleSize();
        }
        final int sibling = newPage(depth + 1);
        scratch.putBytes(0, buffer, base, pageSize);
        BucketPage.rebuild(scratch, 0, buffer, base, layoutSize, depth + 1, depth, false, false, 0);
        BucketPage.rebuild(scratch, 0, arena.buffer(sibling), arena.offset(sibling), layoutSize, depth + 1, depth,
            true, false, 0);
        ChangedLines.markAll(buffer, base, pageSize);
        directory.split(hash, depth, page, sibling);
        pageChanged(directory, hash & ~(1 << depth), page);
        pageChanged(directory, hash | (1 << depth), sibling);
    }

    /**
     * Refreshes the directory's caches for a page just rebuilt, split off or created.
     */
    private void pageChanged(final KeyGroupDirectory directory, final int hash, final int page)
    {
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        directory.pageChanged(hash, buffer.getInt(base + BucketPage.LOCAL_DEPTH), arena.address(page),
            BucketPage.cellCount(buffer, base));
    }
}
