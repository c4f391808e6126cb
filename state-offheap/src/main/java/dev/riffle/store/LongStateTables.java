package dev.riffle.store;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The long states of a {@link PagedKeyedStore} ({@link KeyedStore#registerLongState}): per long state
 * and key group an extendible hash table of its own, of {@link LongPage}s — 16-byte cells of key and
 * value, half the memory of a {@link BucketPage} cell, so that the table a lookup at random walks is
 * half as large. Each method is the {@link KeyedStore} method of the same name, which states its
 * contract; the store routes a long state's operations here.
 * <p>
 * <b>Threading.</b> Writer thread only.
 * <p>
 * <b>Memory ordering.</b> None of its own: it passes the {@link CopyOnWriteBarrier} before it changes a
 * page (an in-place value change through {@link CopyOnWriteBarrier#beforeInPlaceWrite}, which preserves
 * only the line), and grows through {@link TableGrowth}, which passes it for pages and directories.
 * <p>
 * <b>Change marks.</b> Every change marks the lines it changes: an in-place value change its line, an
 * insert or a removal its lines and the header line. A long page's map also always carries the mark
 * that its changes are not {@link ValueLines} (whose cells are {@link BucketPage}'s; see
 * {@link ChangedLines#clear}), so a delta carries its lines whole.
 * <p>
 * <b>Hot path.</b> No allocation, lock or system call.
 */
final class LongStateTables
{
    private static final KeyGroupDirectory[][] CLOSED = new KeyGroupDirectory[0][];

    private final int firstKeyGroup;
    private final int keyGroups;
    private final PageArena arena;
    private final CopyOnWriteBarrier barrier;
    private final TableGrowth growth;
    private final int layoutSize;
    private final int cellCount;
    /** Per state id, its tables by key-group index, or null for a byte state; {@link #CLOSED} once closed. */
    private KeyGroupDirectory[][] byState = new KeyGroupDirectory[0][];
    private final ValueView view = new ValueView();
    /** Eight zero bytes: the key of a key-0 entry, which has no cell, for {@link #forEach}. */
    private final UnsafeBuffer zeroKey = new UnsafeBuffer(new byte[Long.BYTES]);

    LongStateTables(final int firstKeyGroup, final int keyGroups, final PageArena arena,
        final CopyOnWriteBarrier barrier, final TableGrowth growth, final int layoutSize)
    {
        this.firstKeyGroup = firstKeyGroup;
        this.keyGroups = keyGroups;
        this.arena = arena;
        this.barrier = barrier;
        this.growth = growth;
        this.layoutSize = layoutSize;
        this.cellCount = LongPage.cellCount(layoutSize);
    }

    /**
     * @return the tables of a long state by key-group index, or null if {@code stateId} is not one (or
     * the store is closed).
     */
    KeyGroupDirectory[] tablesOf(final int stateId)
    {
        final KeyGroupDirectory[][] tables = byState;
        return stateId >= 0 && stateId < tables.length ? tables[stateId] : null;
    }

    /**
     * Creates the tables of a new long state, one empty page per key group.
     *
     * @param firstSlot position of its first table among the store's tables.
     * @return the tables, by key-group index.
     */
    KeyGroupDirectory[] create(final int stateId, final int firstSlot)
    {
        final KeyGroupDirectory[] tables = new KeyGroupDirectory[keyGroups];
        for (int i = 0; i < keyGroups; i++)
        {
            tables[i] = growth.newLongDirectory(firstSlot + i, i, stateId);
        }
        add(stateId, tables);
        return tables;
    }

    /**
     * Adds a long state's tables (created, or restored).
     */
    void add(final int stateId, final KeyGroupDirectory[] tables)
    {
        if (stateId >= byState.length)
        {
            byState = Arrays.copyOf(byState, stateId + 1);
        }
        byState[stateId] = tables;
    }

    // ---------------------------------------------------------------- long keys

    long getLong(final KeyGroupDirectory[] tables, final int keyGroup, final int stateId, final long key,
        final long missingValue)
    {
        final KeyGroupDirectory directory = KeyGroupDirectory.inRange(tables, firstKeyGroup, keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final long value = LongPage.find(
            KeyGroupDirectory.address(directory.slot(directory.index(hash))), cellCount, hash, key);
        return 0 != value ? UnsafeApi.getLong(value) : missingValue;
    }

    void putLong(final KeyGroupDirectory[] tables, final int keyGroup, final int stateId, final long key,
        final long value)
    {
        final KeyGroupDirectory directory = KeyGroupDirectory.inRange(tables, firstKeyGroup, keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final int index = directory.index(hash);
        final long page = KeyGroupDirectory.address(directory.slot(index));
        final long at = LongPage.find(page, cellCount, hash, key);
        if (0 == at)
        {
            insert(directory, hash, stateId, key, value);
            return;
        }
        if (UnsafeApi.getLong(at) == value)
        {
            return; // no change: nothing to preserve for a snapshot or to save in the next one
        }
        barrier.beforeInPlaceWrite(directory.page(index), page, at, Long.BYTES);
        UnsafeApi.putLong(at, value);
        mark(page, at);
    }

    /**
     * In-place add of longs or of doubles (raw bits in and out), as {@link PagedKeyedStore}'s.
     */
    long add(final KeyGroupDirectory[] tables, final int keyGroup, final int stateId, final long key,
        final long delta, final boolean asDouble)
    {
        final KeyGroupDirectory directory = KeyGroupDirectory.inRange(tables, firstKeyGroup, keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final int index = directory.index(hash);
        final long page = KeyGroupDirectory.address(directory.slot(index));
        final long at = LongPage.find(page, cellCount, hash, key);
        if (0 == at)
        {
            final long value = PagedKeyedStore.sum(0L, delta, asDouble);
            insert(directory, hash, stateId, key, value);
            return value;
        }
        barrier.beforeInPlaceWrite(directory.page(index), page, at, Long.BYTES);
        final long value = PagedKeyedStore.sum(UnsafeApi.getLong(at), delta, asDouble);
        UnsafeApi.putLong(at, value);
        mark(page, at);
        return value;
    }

    boolean removeLong(final KeyGroupDirectory[] tables, final int keyGroup, final int stateId, final long key)
    {
        final KeyGroupDirectory directory = KeyGroupDirectory.inRange(tables, firstKeyGroup, keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final int index = directory.index(hash);
        final long page = KeyGroupDirectory.address(directory.slot(index));
        final long at = LongPage.find(page, cellCount, hash, key);
        if (0 == at)
        {
            return false;
        }
        barrier.beforeWrite(directory.page(index));
        LongPage.remove(page, cellCount, layoutSize, stateId, at);
        return true;
    }

    private void insert(final KeyGroupDirectory directory, final int hash, final int stateId, final long key,
        final long value)
    {
        final long page = arena.address(growth.longPageWithRoom(directory, hash, stateId, cellCount));
        ChangedLines.mark(page, layoutSize, LongPage.insert(page, cellCount, hash, key, value));
        ChangedLines.markHeader(page, layoutSize);
    }

    /**
     * Marks an in-place change of the value at {@code at}, whose line the barrier preserved if the page
     * is in line mode: only its line (not the header line, which is not preserved for it).
     */
    private void mark(final long page, final long at)
    {
        ChangedLines.mark(page, layoutSize, at);
    }

    // ---------------------------------------------------------------- byte keys and values of 8 bytes

    /**
     * @return the value of an entry as a view into its page, valid until the next change of the store,
     * or null if absent.
     */
    ValueView get(final KeyGroupDirectory[] tables, final int keyGroup, final int stateId, final long key)
    {
        final KeyGroupDirectory directory = KeyGroupDirectory.inRange(tables, firstKeyGroup, keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final int page = directory.pageFor(hash);
        final long address = arena.address(page);
        final long at = LongPage.find(address, cellCount, hash, key);
        if (0 == at)
        {
            return null;
        }
        view.wrap(arena.buffer(page), arena.offset(page) + (int)(at - address), Long.BYTES);
        return view;
    }

    /**
     * @return the key of a byte-key operation on a long state: its 8 bytes in native order.
     * @throws IllegalArgumentException if the key is not 8 bytes long.
     */
    static long key(final String state, final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        if (keyLength != Long.BYTES)
        {
            throw new IllegalArgumentException(
                "state '" + state + "' is a long state: its keys are 8 bytes, not " + keyLength);
        }
        return key.getLong(keyOffset);
    }

    /**
     * @return the value of a byte-value put on a long state, its 8 bytes in native order.
     * @throws IllegalArgumentException if the value is not 8 bytes long.
     */
    static long value(final String state, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        if (valueLength != Long.BYTES)
        {
            throw new IllegalArgumentException(
                "state '" + state + "' is a long state: its values are 8 bytes, not " + valueLength);
        }
        return value.getLong(valueOffset);
    }

    // ---------------------------------------------------------------- iteration

    /**
     * Visits the entries of one long state in a key group, or of every long state if {@code stateId} is
     * negative: each key as its 8 bytes in native order, each value as 8 bytes, both in the page.
     */
    void forEach(final int keyGroup, final int stateId, final EntryVisitor visitor)
    {
        final KeyGroupDirectory[][] all = byState;
        for (int state = Math.max(stateId, 0); state < all.length && (stateId < 0 || state == stateId); state++)
        {
            if (null != all[state])
            {
                forEach(KeyGroupDirectory.inRange(all[state], firstKeyGroup, keyGroup), keyGroup, state, visitor);
            }
        }
    }

    private void forEach(final KeyGroupDirectory directory, final int keyGroup, final int state,
        final EntryVisitor visitor)
    {
        final int[] pages = directory.pages();
        for (int d = 0; d < pages.length; d++)
        {
            final int page = pages[d];
            final long address = arena.address(page);
            if ((d >>> LongPage.localDepth(address)) != 0)
            {
                continue; // a page of local depth l is first listed below 2^l: this is a repeat
            }
            final UnsafeBuffer buffer = arena.buffer(page);
            final int base = arena.offset(page);
            if (0 != buffer.getInt(base + LongPage.ZERO_KEY))
            {
                visitor.accept(keyGroup, state, zeroKey, 0, Long.BYTES, buffer, base + LongPage.ZERO_VALUE, Long.BYTES);
            }
            for (int i = 0; i < cellCount; i++)
            {
                final int c = base + LongPage.CELLS + (i << LongPage.CELL_SHIFT);
                if (0 != buffer.getLong(c))
                {
                    visitor.accept(keyGroup, state, buffer, c, Long.BYTES, buffer, c + LongPage.VALUE, Long.BYTES);
                }
            }
        }
    }

    /**
     * The store closed: a long state's operations then take the byte states' path, whose key-group check
     * fails with an {@link IllegalStateException}.
     */
    void close()
    {
        byState = CLOSED;
    }
}
