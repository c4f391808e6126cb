package dev.riffle.store;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The values of a delta's value lines: the changed lines of a page in which, since the page's previous
 * record, only values of entries inline in their cells were overwritten in place by values of the same
 * length ({@link ChangedLines#valuesOnly}). Such a line goes out as those values alone, without keys,
 * tags or lengths: whoever applies the delta holds the line as the previous record left it, with the same
 * cells, and finds the values' places there.
 * <pre>
 * values = for each value line in ascending order, for each of its two 32-byte chunks that
 *          {@link #valueOf holds an inline value}: that value's bytes
 * </pre>
 * <b>Why both sides find the same places.</b> A chunk holds an inline value when its first word is neither
 * {@link BucketPage#EMPTY} nor {@link BucketPage#TOMBSTONE} and its lengths word names an inline entry;
 * the value is then at {@code CELL_PAYLOAD + keyLength}. The writer reads that of the line as it is now,
 * the reader of the line as it was: in a value line only inline values changed, never a tag or a lengths
 * word, so they agree. A chunk that only looks like a cell (heap bytes sharing the line) yields the same
 * "value" on both sides, bytes that did not change, and copying them changes nothing.
 * <p>
 * Stateless; buffers are the caller's, bounds checked once per call. A counter's line costs 8 or 16 bytes
 * instead of the 16–32 of its reduced chunks ({@link PageImages}).
 */
final class ValueLines
{
    /**
     * The most bytes a value line takes: two cells whose whole payload is value.
     */
    static final int MAX_LINE_BYTES = 2 * BucketPage.INLINE_BYTES;

    private ValueLines()
    {
    }

    /**
     * Writes the values of every line {@code page}'s map marks at {@code at} in {@code out}, which must have
     * room for {@link #MAX_LINE_BYTES} per such line; the page changed in its inline values alone
     * ({@link ChangedLines#valuesOnly}).
     *
     * @param page  a page copy, its layout at 0 and its map at {@code map}.
     * @param lines content lines of the page.
     * @return bytes written.
     */
    static int pack(final UnsafeBuffer page, final int map, final int lines, final UnsafeBuffer out, final int at)
    {
        page.boundsCheck(0, map + lines);
        final byte[] srcArray = page.byteArray();
        final long src = page.addressOffset();
        final byte[] dstArray = out.byteArray();
        final long dst = out.addressOffset() + at;
        long to = dst;
        for (int line = 0; line < lines; line++)
        {
            if (ChangedLines.eightUnmarked(srcArray, src + map, line, lines))
            {
                line += Long.BYTES - 1;
                continue;
            }
            if (0 == UnsafeApi.getByte(srcArray, src + map + line))
            {
                continue;
            }
            out.boundsCheck((int)(to - out.addressOffset()), MAX_LINE_BYTES);
            final long lineAddress = src + ((long)line << ChangedLines.LINE_SHIFT);
            for (int chunk = 0; chunk < 2; chunk++)
            {
                final long cell = lineAddress + ((long)chunk << PageImages.CHUNK_SHIFT);
                final int value = valueOf(srcArray, cell);
                copy(srcArray, cell + offset(value), dstArray, to, length(value));
                to += length(value);
            }
        }
        return (int)(to - dst);
    }

    /**
     * Writes the values of a delta into the lines it names, after checking that the values are exactly
     * as many bytes as those lines' inline values in {@code page}; the page is untouched otherwise.
     *
     * @param values   buffer holding the values at {@code at}.
     * @param length   their length.
     * @param list     buffer holding the line list at {@code listAt}: {@code count} lines as {@code short}s
     *                 in native order, or, if {@code bitmap}, a bitmap of the page's content lines (word
     *                 {@code line / 64}, bit {@code line % 64}); every line within the page's content lines
     *                 (checked by the caller).
     * @param page     the target page, its layout at {@code base}.
     * @return false if the values' length does not match.
     */
    static boolean unpack(final UnsafeBuffer values, final int at, final int length, final UnsafeBuffer list,
        final int listAt, final int count, final boolean bitmap, final int lines, final UnsafeBuffer page,
        final int base)
    {
        page.boundsCheck(base, lines << ChangedLines.LINE_SHIFT);
        values.boundsCheck(at, length);
        final byte[] pageArray = page.byteArray();
        final long pageAddress = page.addressOffset() + base;
        long expected = 0;
        for (int i = nextLine(list, listAt, count, bitmap, lines, -1); i >= 0;
            i = nextLine(list, listAt, count, bitmap, lines, i))
        {
            expected += lineBytes(pageArray, lineAddress(pageAddress, lineAt(list, listAt, bitmap, i)));
        }
        if (expected != length)
        {
            return false;
        }
        final byte[] srcArray = values.byteArray();
        long from = values.addressOffset() + at;
        for (int i = nextLine(list, listAt, count, bitmap, lines, -1); i >= 0;
            i = nextLine(list, listAt, count, bitmap, lines, i))
        {
            final long lineAddress = lineAddress(pageAddress, lineAt(list, listAt, bitmap, i));
            for (int chunk = 0; chunk < 2; chunk++)
            {
                final long cell = lineAddress + ((long)chunk << PageImages.CHUNK_SHIFT);
                final int value = valueOf(pageArray, cell);
                copy(srcArray, from, pageArray, cell + offset(value), length(value));
                from += length(value);
            }
        }
        return true;
    }

    /**
     * @return the position after {@code i} in the list: the next index of a short list, or the next set
     * bit of a bitmap; -1 at the end.
     */
    private static int nextLine(final UnsafeBuffer list, final int listAt, final int count, final boolean bitmap,
        final int lines, final int i)
    {
        if (!bitmap)
        {
            return i + 1 < count ? i + 1 : -1;
        }
        for (int bit = i + 1; bit < lines; bit++)
        {
            final long word = list.getLong(listAt + ((bit >>> 6) << 3));
            final long rest = word >>> (bit & 63);
            if (0 != rest)
            {
                final int next = bit + Long.numberOfTrailingZeros(rest);
                return next < lines ? next : -1;
            }
            bit |= 63;
        }
        return -1;
    }

    private static int lineAt(final UnsafeBuffer list, final int listAt, final boolean bitmap, final int i)
    {
        return bitmap ? i : list.getShort(listAt + (i << 1));
    }

    private static long lineAddress(final long pageAddress, final int line)
    {
        return pageAddress + ((long)line << ChangedLines.LINE_SHIFT);
    }

    private static int lineBytes(final byte[] array, final long lineAddress)
    {
        return length(valueOf(array, lineAddress)) +
            length(valueOf(array, lineAddress + PageImages.CHUNK_SIZE));
    }

    /**
     * @return the inline value of the 32-byte chunk at {@code cell}, as {@code offset << 8 | length}
     * (offset within the cell), or 0 if the chunk holds none.
     */
    static int valueOf(final byte[] array, final long cell)
    {
        final long tag = UnsafeApi.getLong(array, cell);
        final int lengths = UnsafeApi.getInt(array, cell + BucketPage.CELL_LENGTHS);
        final int keyLength = BucketPage.keyLength(lengths);
        final int valueLength = BucketPage.valueLength(lengths);
        if (tag == BucketPage.EMPTY || tag == BucketPage.TOMBSTONE || !BucketPage.isInline(keyLength, valueLength))
        {
            return 0;
        }
        return (BucketPage.CELL_PAYLOAD + keyLength) << 8 | valueLength;
    }

    private static int offset(final int value)
    {
        return value >>> 8;
    }

    private static int length(final int value)
    {
        return value & 0xFF;
    }

    /**
     * Copies a value of at most {@link BucketPage#INLINE_BYTES}: a long value is one move.
     */
    private static void copy(final byte[] srcArray, final long from, final byte[] dstArray, final long to,
        final int length)
    {
        if (length == Long.BYTES)
        {
            UnsafeApi.putLong(dstArray, to, UnsafeApi.getLong(srcArray, from));
            return;
        }
        for (int i = 0; i < length; i++)
        {
            UnsafeApi.putByte(dstArray, to + i, UnsafeApi.getByte(srcArray, from + i));
        }
    }
}
