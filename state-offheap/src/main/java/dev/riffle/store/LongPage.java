package dev.riffle.store;

import org.agrona.UnsafeApi;

/**
 * Layout of one page of a long state's table ({@link LongStateTables}): long keys with long values in
 * 16-byte cells, nothing else — the dense counterpart of {@link BucketPage}, as static operations on the
 * page's memory address (a flyweight). Only the owning writer thread calls the mutating methods; a
 * snapshot thread only copies whole pages or lines.
 * <pre>
 *  0  int  localDepth   hash bits this page is responsible for (as in BucketPage)
 *  4  int  live         live entries, key 0 included
 *  8  int  cellCount    C, the same for every page of a store ({@link #cellCount})
 * 24  int  format       {@link #FORMAT_LONG} (0 in a BucketPage)
 * 28  int  zeroKey      1 if key 0 is present
 * 32  long zeroValue    its value
 * 64  cells[C], 16 bytes each (four per cache line), open addressing with linear probing:
 *       0  long key     0 = empty
 *       8  long value
 * layoutSize: the page's {@link ChangedLines} map, not part of the layout
 * </pre>
 * <b>Why a page of its own kind.</b> A {@link BucketPage} cell is 32 bytes: a tag naming the state and
 * the hash, lengths, a 20-byte payload. When a table holds one state's long → long entries and nothing
 * else, the key alone identifies an entry: a cell is half the size, so a table is half the memory and
 * twice as many of its lines fit a cache, which is what a lookup at random is bound by
 * (docs/state.md). The probe compares keys only: no tag, no lengths.
 * <p>
 * <b>Why key 0 lives in the header.</b> An empty cell must be told from a full one without a byte of its
 * own; 0 marks it, so the one key whose cell would read as empty is kept aside in the header, like
 * primitive maps keep their missing-value sentinel's entry. Its lookup is one compare the caller makes
 * before the probe ({@link #find}), a branch that for any other key is always predicted right.
 * <p>
 * <b>Deletion</b> shifts the following entries of the probe run back (no tombstones), so a page never
 * degrades and never needs a rebuild: it only splits, at 3/4 occupancy. That needs each moved entry's
 * home cell, which the key's hash gives ({@link EntryHash#hash(int, long)}, seeded with the state id).
 * <p>
 * Cells start at 64 and are 16 bytes, so none straddles a 64-byte line; keys and values are 8-byte
 * aligned. The cell index is {@code (hash * C) >>> 32} as in {@link BucketPage#firstCell} (high hash bits;
 * the directory uses the low ones).
 */
final class LongPage
{
    static final int LIVE = 4;
    static final int CELL_COUNT = 8;
    static final int FORMAT = 24;
    static final int ZERO_KEY = 28;
    static final int ZERO_VALUE = 32;
    static final int CELLS = 64;
    static final int CELL_SHIFT = 4;
    /**
     * Offset of the value in a cell.
     */
    static final int VALUE = Long.BYTES;
    /**
     * "LONG": the {@link #FORMAT} of a long state's page.
     */
    static final int FORMAT_LONG = 0x4C4F_4E47;

    private LongPage()
    {
    }

    /**
     * @return cells of a page whose layout is {@code layoutSize} bytes ({@link ChangedLines#layoutSize}).
     */
    static int cellCount(final int layoutSize)
    {
        return (layoutSize - CELLS) >>> CELL_SHIFT;
    }

    /**
     * @return the most live cells a page holds before it splits: 3/4 of them, where linear probing's runs
     * are still short (an unsuccessful lookup probes ~8.5 cells on average, ~1.5 lines).
     */
    static int maxLive(final int cellCount)
    {
        return cellCount - (cellCount >>> 2);
    }

    /**
     * Initialises an empty page.
     */
    static void init(final long page, final int layoutSize, final int localDepth)
    {
        final int cellCount = cellCount(layoutSize);
        UnsafeApi.setMemory(page, CELLS + ((long)cellCount << CELL_SHIFT), (byte)0);
        UnsafeApi.putInt(page, localDepth);
        UnsafeApi.putInt(page + CELL_COUNT, cellCount);
        UnsafeApi.putInt(page + FORMAT, FORMAT_LONG);
    }

    static int localDepth(final long page)
    {
        return UnsafeApi.getInt(page);
    }

    /**
     * @return the cell a probe for {@code hash} starts at.
     */
    static int firstCell(final int hash, final int cellCount)
    {
        return (int)(((hash & 0xFFFF_FFFFL) * cellCount) >>> 32);
    }

    static long cell(final long page, final int index)
    {
        return page + CELLS + ((long)index << CELL_SHIFT);
    }

    /**
     * @param page      address of the page the key's hash selects.
     * @param cellCount the store's {@link #cellCount}.
     * @param hash      {@link EntryHash#hash(int, long)} of the key.
     * @param key       the key.
     * @return address of the key's value, or 0 if the key is absent.
     */
    static long find(final long page, final int cellCount, final int hash, final long key)
    {
        if (0 == key)
        {
            return 0 != UnsafeApi.getInt(page + ZERO_KEY) ? page + ZERO_VALUE : 0;
        }
        int i = firstCell(hash, cellCount);
        while (true)
        {
            final long c = page + CELLS + ((long)i << CELL_SHIFT);
            final long k = UnsafeApi.getLong(c);
            if (k == key)
            {
                return c + VALUE;
            }
            if (0 == k)
            {
                return 0;
            }
            if (++i == cellCount)
            {
                i = 0;
            }
        }
    }

    /**
     * @return true if one more entry fits without a split.
     */
    static boolean hasRoom(final long page, final int cellCount)
    {
        return UnsafeApi.getInt(page + LIVE) < maxLive(cellCount);
    }

    /**
     * Inserts an absent key; the caller has checked {@link #hasRoom}.
     *
     * @return address of the new entry's value (in its cell, or in the header for key 0).
     */
    static long insert(final long page, final int cellCount, final int hash, final long key, final long value)
    {
        UnsafeApi.putInt(page + LIVE, UnsafeApi.getInt(page + LIVE) + 1);
        if (0 == key)
        {
            UnsafeApi.putInt(page + ZERO_KEY, 1);
            UnsafeApi.putLong(page + ZERO_VALUE, value);
            return page + ZERO_VALUE;
        }
        int i = firstCell(hash, cellCount);
        while (true)
        {
            final long c = page + CELLS + ((long)i << CELL_SHIFT);
            if (0 == UnsafeApi.getLong(c))
            {
                UnsafeApi.putLong(c, key);
                UnsafeApi.putLong(c + VALUE, value);
                return c + VALUE;
            }
            if (++i == cellCount)
            {
                i = 0;
            }
        }
    }

    /**
     * Removes the entry whose value is at {@code valueAddress} (as {@link #find} returned it): the
     * entries after it in its probe run move back so that no run has a hole. Marks every line it changes
     * and the header line in the page's {@link ChangedLines} map.
     *
     * @param stateId the table's state, which seeds the hash of the entries it moves.
     */
    static void remove(final long page, final int cellCount, final int layoutSize, final int stateId,
        final long valueAddress)
    {
        UnsafeApi.putInt(page + LIVE, UnsafeApi.getInt(page + LIVE) - 1);
        ChangedLines.markHeader(page, layoutSize);
        if (valueAddress == page + ZERO_VALUE)
        {
            UnsafeApi.putInt(page + ZERO_KEY, 0);
            UnsafeApi.putLong(page + ZERO_VALUE, 0L);
            return;
        }
        int hole = (int)((valueAddress - VALUE - page - CELLS) >>> CELL_SHIFT);
        int j = hole;
        while (true)
        {
            if (++j == cellCount)
            {
                j = 0;
            }
            final long c = cell(page, j);
            final long key = UnsafeApi.getLong(c);
            if (0 == key)
            {
                break;
            }
            final int home = firstCell(EntryHash.hash(stateId, key), cellCount);
            // the entry at j may fill the hole unless its home lies cyclically in (hole, j]
            final boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays)
            {
                final long to = cell(page, hole);
                UnsafeApi.putLong(to, key);
                UnsafeApi.putLong(to + VALUE, UnsafeApi.getLong(c + VALUE));
                ChangedLines.mark(page, layoutSize, to);
                hole = j;
            }
        }
        final long emptied = cell(page, hole);
        UnsafeApi.putLong(emptied, 0L);
        UnsafeApi.putLong(emptied + VALUE, 0L);
        ChangedLines.mark(page, layoutSize, emptied);
    }

    /**
     * Fills {@code target}, initialised at {@code localDepth}, with the entries of {@code source} (a copy
     * of a page of this store's layout) whose hash has bit {@code bit} equal to {@code set}: one half of a
     * split. Marks nothing; the caller marks the whole page.
     */
    static void splitInto(final long source, final long target, final int cellCount, final int stateId,
        final int bit, final int set)
    {
        int live = 0;
        for (int i = 0; i < cellCount; i++)
        {
            final long c = cell(source, i);
            final long key = UnsafeApi.getLong(c);
            if (0 != key)
            {
                final int hash = EntryHash.hash(stateId, key);
                if (((hash >>> bit) & 1) == set)
                {
                    insert(target, cellCount, hash, key, UnsafeApi.getLong(c + VALUE));
                    live++;
                }
            }
        }
        if (0 != UnsafeApi.getInt(source + ZERO_KEY) && ((EntryHash.hash(stateId, 0L) >>> bit) & 1) == set)
        {
            insert(target, cellCount, 0, 0L, UnsafeApi.getLong(source + ZERO_VALUE));
            live++;
        }
        UnsafeApi.putInt(target + LIVE, live);
    }
}
