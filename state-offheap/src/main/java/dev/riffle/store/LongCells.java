package dev.riffle.store;

import org.agrona.UnsafeApi;

/**
 * The long-key fast path of {@link BucketPage}, on raw memory addresses: the same cell layout, read with
 * plain {@link UnsafeApi} loads instead of bounds-checked buffer calls. A get of an inline long → long
 * entry is then the hash, one load from the (cached) directory and one cell line — few enough
 * instructions that the CPU overlaps the cache misses of successive lookups as it does for a primitive
 * hash map. Addresses come from {@link KeyGroupDirectory#address}, valid while the store is open; writer
 * thread only.
 */
final class LongCells
{
    /**
     * Offset of the value in the cell of an inline long → long entry.
     */
    static final int VALUE = BucketPage.CELL_PAYLOAD + Long.BYTES;

    private LongCells()
    {
    }

    /**
     * @param slot {@link KeyGroupDirectory#slot} of the key's page.
     * @param tag  {@link BucketPage#tag} of the key's hash and state.
     * @param key  the key.
     * @return the address of the key's cell if it holds an 8-byte value ({@link #value} is then at
     * {@link #VALUE}), minus that address if its value has another length (an 8-byte key stored through
     * the byte API), or 0 if the key is absent. Cell addresses are positive (user-space addresses), so the
     * sign carries the difference without a second read of the cell's lengths.
     */
    static long find(final long slot, final long tag, final long key)
    {
        final long page = KeyGroupDirectory.address(slot);
        final int cellCount = KeyGroupDirectory.cells(slot);
        int i = BucketPage.firstCell((int)tag, cellCount);
        while (true)
        {
            final long c = page + BucketPage.CELLS + ((long)i << BucketPage.CELL_SHIFT);
            final long t = UnsafeApi.getLong(c);
            if (t == tag)
            {
                final int lengths = UnsafeApi.getInt(c + BucketPage.CELL_LENGTHS);
                if (lengths == BucketPage.LONG_LENGTHS)
                {
                    if (UnsafeApi.getLong(c + BucketPage.CELL_PAYLOAD) == key)
                    {
                        return c;
                    }
                }
                else if (BucketPage.keyLength(lengths) == Long.BYTES &&
                    UnsafeApi.getLong(ByteCells.keyAddress(page, c, lengths)) == key)
                {
                    return -c;
                }
            }
            else if (t == BucketPage.EMPTY)
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
     * @param lengths {@link BucketPage#lengths} of an entry whose value is not 8 bytes long.
     * @return the error of a long operation on it.
     */
    static IllegalStateException notALong(final int lengths)
    {
        return new IllegalStateException(
            "entry holds a " + BucketPage.valueLength(lengths) + "-byte value, not an 8-byte long");
    }

    /**
     * @return the {@link BucketPage#lengths} of a cell.
     */
    static int lengths(final long cell)
    {
        return UnsafeApi.getInt(cell + BucketPage.CELL_LENGTHS);
    }

    static long get(final long address)
    {
        return UnsafeApi.getLong(address);
    }

    static void put(final long address, final long value)
    {
        UnsafeApi.putLong(address, value);
    }
}
