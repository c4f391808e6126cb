package dev.riffle.store;

import org.agrona.UnsafeApi;

/**
 * The long-key fast path of {@link BucketPage}, on raw memory addresses: the same cell layout, read with
 * plain {@link UnsafeApi} loads instead of bounds-checked buffer calls. A get of an inline long → long
 * entry is then the hash, two loads from the (cached) directory and one cell line — few enough
 * instructions that the CPU overlaps the cache misses of successive lookups as it does for a primitive
 * hash map. Addresses come from {@link KeyGroupDirectory#address}, valid while the store is open; writer
 * thread only.
 */
final class LongCells
{
    private LongCells()
    {
    }

    /**
     * @param page      address of the page.
     * @param cellCount its cell count.
     * @param tag       {@link BucketPage#tag} of the key's hash and state.
     * @param key       the key.
     * @return address of the key's cell, or 0 if absent.
     */
    static long find(final long page, final int cellCount, final long tag, final long key)
    {
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
                    return c; // an 8-byte key with a value of another length, stored through the byte API
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
     * @return the address of the 8-byte value of a cell {@link #find} returned.
     * @throws IllegalStateException if the value is not 8 bytes long.
     */
    static long valueAddress(final long cell)
    {
        final int lengths = UnsafeApi.getInt(cell + BucketPage.CELL_LENGTHS);
        if (lengths != BucketPage.LONG_LENGTHS)
        {
            throw notALong(lengths);
        }
        return cell + BucketPage.CELL_PAYLOAD + Long.BYTES;
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
