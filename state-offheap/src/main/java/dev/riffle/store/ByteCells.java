package dev.riffle.store;

import org.agrona.UnsafeApi;

/**
 * The byte-key lookup of {@link BucketPage} on raw addresses, the counterpart of {@link LongCells} for
 * keys of any length: the caller checks the key's bounds once, then the probe reads cells and compares
 * key bytes with plain loads, eight at a time. A key of up to 12 bytes with a long value is inline in
 * its cell, so a String → count lookup touches one cache line of the page. Writer thread only.
 */
final class ByteCells
{
    private ByteCells()
    {
    }

    /**
     * @param page       address of the page.
     * @param cellCount  its cell count.
     * @param tag        {@link BucketPage#tag} of the key's hash and state.
     * @param keyArray   the key's array, or null if {@code keyAddress} is a native address.
     * @param keyAddress address of the key's first byte (an offset into {@code keyArray} if not null).
     * @param keyLength  the key's length.
     * @return address of the key's cell, or 0 if absent.
     */
    static long find(final long page, final int cellCount, final long tag, final byte[] keyArray,
        final long keyAddress, final int keyLength)
    {
        int i = BucketPage.firstCell((int)tag, cellCount);
        while (true)
        {
            final long c = page + BucketPage.CELLS + ((long)i << BucketPage.CELL_SHIFT);
            final long t = UnsafeApi.getLong(c);
            if (t == tag)
            {
                final int lengths = UnsafeApi.getInt(c + BucketPage.CELL_LENGTHS);
                if (BucketPage.keyLength(lengths) == keyLength &&
                    equal(keyAddress(page, c, lengths), keyArray, keyAddress, keyLength))
                {
                    return c;
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
     * @return address of the key bytes of the entry in cell {@code c} of {@code page}.
     */
    static long keyAddress(final long page, final long c, final int lengths)
    {
        return BucketPage.isInline(BucketPage.keyLength(lengths), BucketPage.valueLength(lengths)) ?
            c + BucketPage.CELL_PAYLOAD : page + UnsafeApi.getInt(c + BucketPage.CELL_PAYLOAD);
    }

    /**
     * @return address of the value of the entry in cell {@code c} of {@code page} if it is 8 bytes long
     * (possibly unaligned: an inline value follows its key), else 0.
     */
    static long longValueAddress(final long page, final long c)
    {
        final int lengths = UnsafeApi.getInt(c + BucketPage.CELL_LENGTHS);
        return BucketPage.valueLength(lengths) == Long.BYTES ?
            keyAddress(page, c, lengths) + BucketPage.keyLength(lengths) : 0;
    }

    /**
     * @return true if the {@code length} bytes at the raw address {@code stored} equal those at
     * {@code (array, address)} (an on-heap array with its offset, or null and an off-heap address); the
     * caller has checked both ranges.
     * <p>
     * A key's last bytes are compared as one word that overlaps the words before it (a String key of 11
     * bytes is two long compares, not a long and three byte compares): every load stays inside both
     * ranges, and the branches per key stay two or three whatever its length's remainder.
     */
    static boolean equal(final long stored, final byte[] array, final long address, final int length)
    {
        if (length >= Long.BYTES)
        {
            for (int i = 0; i + Long.BYTES < length; i += Long.BYTES)
            {
                if (UnsafeApi.getLong(stored + i) != UnsafeApi.getLong(array, address + i))
                {
                    return false;
                }
            }
            final int last = length - Long.BYTES;
            return UnsafeApi.getLong(stored + last) == UnsafeApi.getLong(array, address + last);
        }
        if (length >= Integer.BYTES)
        {
            final int last = length - Integer.BYTES;
            return UnsafeApi.getInt(stored) == UnsafeApi.getInt(array, address) &&
                UnsafeApi.getInt(stored + last) == UnsafeApi.getInt(array, address + last);
        }
        if (length >= Short.BYTES)
        {
            final int last = length - Short.BYTES;
            return UnsafeApi.getShort(stored) == UnsafeApi.getShort(array, address) &&
                UnsafeApi.getShort(stored + last) == UnsafeApi.getShort(array, address + last);
        }
        return 0 == length || UnsafeApi.getByte(stored) == UnsafeApi.getByte(array, address);
    }
}
