package dev.riffle.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyed tables off the Java heap, grouped by key group, in memory-mapped pages: the default keyed
 * state store of Riffle.
 * <p>
 * <b>Layout.</b> Each key group of the store's range has its own extendible hash table: a directory
 * indexed by the low bits of h(k, n) ({@link EntryHash}: key bytes k, state id n) pointing to bucket
 * pages ({@link BucketPage}) in a {@link PageArena}. A full page splits in two by the next hash bit;
 * the directory doubles when a page is as deep as it. Growth is one page at a time — no rehash of the
 * table, so the worst operation is one page split (a 64 KiB copy) or one directory doubling (a few
 * KiB for any realistic key group).
 * <p>
 * <b>Snapshots</b> ({@link #snapshot(long)}) cost the writer O(number of key groups): they bump an
 * epoch and capture the directories' array references. Afterwards the first write to a page that
 * the snapshot has not captured yet copies it first ({@link PageCaptures}); a snapshot thread
 * captures and writes the rest, and only pages changed since the last completed snapshot are
 * written — the others are referenced in the files of earlier snapshots.
 * <p>
 * <b>Threading.</b> One writer thread owns the store: every method but those of a {@link StoreSnapshot}
 * is called by it. One snapshot at a time may be written by another thread concurrently.
 * <p>
 * <b>Buffers.</b> Keys and values are passed as (buffer, offset, length) and copied in; a
 * {@link ValueView} returned by {@link #get} points into the store and is valid until the next
 * mutation. Key groups outside the range, entries larger than {@link StoreOptions#maxEntrySize()}
 * and unknown state ids are rejected with {@link IllegalArgumentException}.
 */
public final class PagedKeyedStore implements KeyedStore
{
    final StoreOptions options;
    final int firstKeyGroup;
    final int lastKeyGroup;
    final PageArena arena;
    final PageCaptures captures = new PageCaptures();
    final KeyGroupDirectory[] directories;
    final Map<String, Integer> stateIds = new LinkedHashMap<>();
    private final int pageSize;
    private final int maxEntry;
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer longKey = new UnsafeBuffer(new byte[Long.BYTES]);
    private final ValueView view = new ValueView();
    final CopyPool copyPool;
    final SnapshotLineage lineage = new SnapshotLineage();
    long epoch;
    private volatile long lastCompletedEpoch;
    private StoreSnapshot activeForWriter;

    PagedKeyedStore(final Path workDirectory, final int firstKeyGroup, final int lastKeyGroup, final StoreOptions options)
        throws IOException
    {
        if (firstKeyGroup < 0 || lastKeyGroup < firstKeyGroup)
        {
            throw new IllegalArgumentException("bad key group range [" + firstKeyGroup + ", " + lastKeyGroup + "]");
        }
        this.options = options;
        this.firstKeyGroup = firstKeyGroup;
        this.lastKeyGroup = lastKeyGroup;
        this.pageSize = options.pageSize();
        this.maxEntry = options.maxEntrySize();
        this.arena = new PageArena(workDirectory, options.pageSize(), options.pagesPerSegment());
        this.scratch = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(pageSize));
        this.directories = new KeyGroupDirectory[lastKeyGroup - firstKeyGroup + 1];
        this.copyPool = new CopyPool(pageSize);
    }

    /**
     * Opens an empty store.
     *
     * @param workDirectory  directory for the memory-mapped pages; deleted on close.
     * @param firstKeyGroup  first key group of the range.
     * @param lastKeyGroup   last key group of the range (inclusive).
     * @param options        page sizing.
     * @return the store.
     * @throws IOException if the directory cannot be created.
     */
    public static PagedKeyedStore create(
        final Path workDirectory, final int firstKeyGroup, final int lastKeyGroup, final StoreOptions options)
        throws IOException
    {
        final PagedKeyedStore store = new PagedKeyedStore(workDirectory, firstKeyGroup, lastKeyGroup, options);
        for (int i = 0; i < store.directories.length; i++)
        {
            store.directories[i] = new KeyGroupDirectory(new int[]{store.newPage(0)});
        }
        return store;
    }

    /**
     * @param name state name.
     * @return its id in this store (the same for the same name, stable across snapshot and restore).
     */
    @Override
    public int registerState(final String name)
    {
        return stateIds.computeIfAbsent(name, n -> stateIds.size());
    }

    /**
     * @return state names by id.
     */
    public List<String> stateNames()
    {
        return Collections.unmodifiableList(new ArrayList<>(stateIds.keySet()));
    }

    /**
     * @return first key group of the range.
     */
    public int firstKeyGroup()
    {
        return firstKeyGroup;
    }

    /**
     * @return last key group of the range.
     */
    public int lastKeyGroup()
    {
        return lastKeyGroup;
    }

    /**
     * @return bytes of memory-mapped pages in use.
     */
    public long mappedBytes()
    {
        return (long)arena.pageCount() * pageSize;
    }

    // ---------------------------------------------------------------- long keys, long values

    /**
     * @return the value stored under a long key, or {@code missingValue}.
     */
    public long getLong(final int keyGroup, final int stateId, final long key, final long missingValue)
    {
        final int hash = EntryHash.hash(stateId, key);
        final int page = directory(keyGroup).pageFor(hash);
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        final int slot = BucketPage.findSlot(buffer, base, pageSize, hash, stateId, key);
        if (slot < 0)
        {
            return missingValue;
        }
        final int e = base + BucketPage.entryAt(buffer, base, slot);
        return buffer.getLong(e + BucketPage.ENTRY_KEY + Long.BYTES);
    }

    /**
     * Stores an 8-byte value under a long key, in place if the key exists.
     */
    public void putLong(final int keyGroup, final int stateId, final long key, final long value)
    {
        final int entry = findOrInsertLong(keyGroup, stateId, key);
        writableBuffer.putLong(entry + BucketPage.ENTRY_KEY + Long.BYTES, value);
    }

    /**
     * Adds to the 8-byte value under a long key in place; a missing key counts as 0.
     *
     * @return the new value.
     */
    public long addLong(final int keyGroup, final int stateId, final long key, final long delta)
    {
        final int entry = findOrInsertLong(keyGroup, stateId, key);
        final int valueOffset = entry + BucketPage.ENTRY_KEY + Long.BYTES;
        final long value = writableBuffer.getLong(valueOffset) + delta;
        writableBuffer.putLong(valueOffset, value);
        return value;
    }

    /**
     * @return true if the key was present.
     */
    public boolean removeLong(final int keyGroup, final int stateId, final long key)
    {
        longKey.putLong(0, key);
        return remove(keyGroup, stateId, longKey, 0, Long.BYTES);
    }

    private UnsafeBuffer writableBuffer;

    /**
     * @return absolute offset of the entry in {@link #writableBuffer}, its page made writable.
     */
    private int findOrInsertLong(final int keyGroup, final int stateId, final long key)
    {
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final int page = directory.pageFor(hash);
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        final int slot = BucketPage.findSlot(buffer, base, pageSize, hash, stateId, key);
        if (slot >= 0)
        {
            final int e = base + BucketPage.entryAt(buffer, base, slot);
            if (buffer.getInt(e + BucketPage.ENTRY_VALUE_LENGTH) == Long.BYTES)
            {
                beforeWrite(page);
                writableBuffer = buffer;
                return e;
            }
            beforeWrite(page);
            BucketPage.remove(buffer, base, slot);
        }
        longKey.putLong(0, key);
        final int newPage = pageWithRoom(directory, hash, BucketPage.entryLength(Long.BYTES, Long.BYTES));
        final UnsafeBuffer target = arena.buffer(newPage);
        final int targetBase = arena.offset(newPage);
        final int entry = BucketPage.append(target, targetBase, pageSize, hash, stateId, longKey, 0, Long.BYTES, Long.BYTES);
        target.putLong(targetBase + entry + BucketPage.ENTRY_KEY + Long.BYTES, 0L);
        writableBuffer = target;
        return targetBase + entry;
    }

    // ---------------------------------------------------------------- byte keys and values

    /**
     * @return a view of the value (valid until the next mutation), or null if the key is absent.
     */
    @Override
    public ValueView get(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        final int hash = EntryHash.hash(stateId, key, keyOffset, keyLength);
        final int page = directory(keyGroup).pageFor(hash);
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        final int slot = BucketPage.findSlot(buffer, base, pageSize, hash, stateId, key, keyOffset, keyLength);
        if (slot < 0)
        {
            return null;
        }
        final int e = base + BucketPage.entryAt(buffer, base, slot);
        view.wrap(buffer, e + BucketPage.ENTRY_KEY + keyLength, buffer.getInt(e + BucketPage.ENTRY_VALUE_LENGTH));
        return view;
    }

    /**
     * Stores a value; overwritten in place when the length is unchanged.
     */
    @Override
    public void put(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        if (keyLength < 0 || valueLength < 0 || keyLength + valueLength > maxEntry)
        {
            throw new IllegalArgumentException("entry of " + keyLength + " + " + valueLength +
                " bytes exceeds the store's limit of " + maxEntry + " bytes (a quarter of a page)");
        }
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key, keyOffset, keyLength);
        final int page = directory.pageFor(hash);
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        final int slot = BucketPage.findSlot(buffer, base, pageSize, hash, stateId, key, keyOffset, keyLength);
        if (slot >= 0)
        {
            final int e = base + BucketPage.entryAt(buffer, base, slot);
            beforeWrite(page);
            if (buffer.getInt(e + BucketPage.ENTRY_VALUE_LENGTH) == valueLength)
            {
                buffer.putBytes(e + BucketPage.ENTRY_KEY + keyLength, value, valueOffset, valueLength);
                return;
            }
            BucketPage.remove(buffer, base, slot);
        }
        final int target = pageWithRoom(directory, hash, BucketPage.entryLength(keyLength, valueLength));
        final UnsafeBuffer targetBuffer = arena.buffer(target);
        final int targetBase = arena.offset(target);
        final int entry = BucketPage.append(
            targetBuffer, targetBase, pageSize, hash, stateId, key, keyOffset, keyLength, valueLength);
        if (valueLength > 0)
        {
            targetBuffer.putBytes(targetBase + entry + BucketPage.ENTRY_KEY + keyLength, value, valueOffset, valueLength);
        }
    }

    /**
     * Adds to an 8-byte value in place (a missing key counts as 0), e.g. a counter under a String key.
     *
     * @return the new value.
     */
    public long addLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long delta)
    {
        final ValueView current = get(keyGroup, stateId, key, keyOffset, keyLength);
        if (null != current && current.length() == Long.BYTES)
        {
            final int page = directory(keyGroup).pageFor(EntryHash.hash(stateId, key, keyOffset, keyLength));
            beforeWrite(page);
            final long value = current.buffer().getLong(current.offset()) + delta;
            current.buffer().putLong(current.offset(), value);
            return value;
        }
        longKey.putLong(0, delta);
        put(keyGroup, stateId, key, keyOffset, keyLength, longKey, 0, Long.BYTES);
        return delta;
    }

    /**
     * @return true if the key was present.
     */
    @Override
    public boolean remove(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        final int hash = EntryHash.hash(stateId, key, keyOffset, keyLength);
        final int page = directory(keyGroup).pageFor(hash);
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        final int slot = BucketPage.findSlot(buffer, base, pageSize, hash, stateId, key, keyOffset, keyLength);
        if (slot < 0)
        {
            return false;
        }
        beforeWrite(page);
        BucketPage.remove(buffer, base, slot);
        return true;
    }

    /**
     * Visits every entry of one state in one key group (stateId < 0: every state), in no particular
     * order.
     */
    @Override
    public void forEach(final int keyGroup, final int stateId, final EntryVisitor visitor)
    {
        final int[] pages = directory(keyGroup).pagesForIteration();
        final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
        for (final int page : pages)
        {
            final UnsafeBuffer buffer = arena.buffer(page);
            final int base = arena.offset(page);
            final int slots = BucketPage.slotCount(pageSize);
            for (int slot = 0; slot < slots; slot++)
            {
                final int entry = BucketPage.entryAt(buffer, base, slot);
                if (entry == BucketPage.EMPTY || entry == BucketPage.DELETED)
                {
                    continue;
                }
                final int e = base + entry;
                final int state = buffer.getInt(e + BucketPage.ENTRY_STATE);
                if (stateId >= 0 && state != stateId)
                {
                    continue;
                }
                final int keyLength = buffer.getInt(e + BucketPage.ENTRY_KEY_LENGTH);
                visitor.accept(keyGroup, state, buffer, e + BucketPage.ENTRY_KEY, keyLength, buffer,
                    e + BucketPage.ENTRY_KEY + keyLength, buffer.getInt(e + BucketPage.ENTRY_VALUE_LENGTH));
            }
        }
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Starts a snapshot of the store as it is now and returns at once: O(number of key groups).
     * Write it with {@link StoreSnapshot#write} on another thread; writes to the store may go on.
     *
     * @param snapshotId caller's id, recorded in the manifest.
     * @return the snapshot; if the previous one is still being written, its remaining changed pages
     * are copied first (in memory), so both stay consistent.
     */
    public StoreSnapshot snapshot(final long snapshotId)
    {
        final StoreSnapshot previous = activeForWriter;
        if (null != previous && !previous.isDone())
        {
            // rare (a checkpoint aborted while its snapshot was still written): copy what the previous
            // snapshot still needs, so both can proceed without waiting for its I/O
            previous.captureAll();
        }
        final long snapshotEpoch = ++epoch;
        final int[][] captured = new int[directories.length][];
        for (int i = 0; i < directories.length; i++)
        {
            captured[i] = directories[i].capture();
        }
        final StoreSnapshot snapshot = new StoreSnapshot(this, snapshotId, snapshotEpoch, lastCompletedEpoch,
            arena.pageCount(), captured, new ArrayList<>(stateIds.keySet()));
        activeForWriter = snapshot;
        return snapshot;
    }

    /**
     * Called on the snapshot thread when a snapshot's files are durable: later snapshots are
     * incremental to it. The volatile store publishes it to the writer's next {@link #snapshot}.
     */
    void snapshotCompleted(final StoreSnapshot snapshot)
    {
        lastCompletedEpoch = snapshot.epoch;
    }

    /**
     * The copy-on-write barrier: called by the writer before it changes a page.
     */
    private void beforeWrite(final int page)
    {
        if (captures.written(page) == epoch)
        {
            return;
        }
        final StoreSnapshot snapshot = activeForWriter;
        if (null != snapshot && page < snapshot.pageLimit)
        {
            snapshot.captureForWriter(page);
        }
        captures.written(page, epoch);
    }

    int newPage(final int localDepth)
    {
        final int page = arena.allocate();
        captures.ensure(page);
        captures.written(page, epoch);
        BucketPage.init(arena.buffer(page), arena.offset(page), pageSize, localDepth);
        return page;
    }

    private int pageWithRoom(final KeyGroupDirectory directory, final int hash, final int length)
    {
        while (true)
        {
            final int page = directory.pageFor(hash);
            final UnsafeBuffer buffer = arena.buffer(page);
            final int base = arena.offset(page);
            if (BucketPage.hasRoom(buffer, base, pageSize, length))
            {
                beforeWrite(page);
                return page;
            }
            beforeWrite(page);
            if (BucketPage.roomAfterCompaction(buffer, base, pageSize, length))
            {
                scratch.putBytes(0, buffer, base, pageSize);
                BucketPage.copyEntries(scratch, 0, buffer, base, pageSize,
                    buffer.getInt(base + BucketPage.LOCAL_DEPTH), -1, false);
                continue;
            }
            split(directory, hash, page);
        }
    }

    private void split(final KeyGroupDirectory directory, final int hash, final int page)
    {
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
        BucketPage.copyEntries(scratch, 0, buffer, base, pageSize, depth + 1, depth, false);
        BucketPage.copyEntries(scratch, 0, arena.buffer(sibling), arena.offset(sibling), pageSize, depth + 1, depth, true);
        directory.split(hash, depth, page, sibling);
    }

    private KeyGroupDirectory directory(final int keyGroup)
    {
        final int index = keyGroup - firstKeyGroup;
        if (index < 0 || keyGroup > lastKeyGroup)
        {
            throw new IllegalArgumentException("key group " + keyGroup + " is outside this store's range [" +
                firstKeyGroup + ", " + lastKeyGroup + "]");
        }
        return directories[index];
    }

    /**
     * Unmaps and deletes the store's pages — once the snapshot being written, if any, is done with
     * them: a task may close its state right after the synchronous phase of its final checkpoint.
     * The writer must not use the store afterwards.
     */
    @Override
    public void close()
    {
        final StoreSnapshot snapshot = activeForWriter;
        if (null == snapshot || !snapshot.closeStoreWhenDone())
        {
            arena.close();
        }
    }
}
