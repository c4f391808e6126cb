package dev.riffle.store;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The payload of a full page image ({@link PageRecords#FULL}): the page's layout as 32-byte chunks, with
 * all-zero chunks left out and long → long cells of one state reduced to their key and value.
 * <pre>
 * payload = present:long[words]  compact:long[words]  state:int  0:int  chunks
 *   words   = ceil(chunks of the layout / 64); bit i is word i / 64, bit i % 64 (native order)
 *   present bit i clear: chunk i is all zeros and is not in the payload
 *   present bit i set, compact bit clear: chunk i as bytes 8..24, 0..8, 24..32 (32 bytes)
 *   present and compact bits set:         chunk i as bytes 8..24 (16 bytes: a cell's key and value);
 *     bytes 0..8 are then BucketPage.tag(EntryHash.hash(state, key), state) and bytes 24..32 an int 0
 *     and the int BucketPage.LONG_LENGTHS
 * </pre>
 * <b>Why the cells are reduced.</b> A long → long cell is 32 bytes of which a restore can recompute half:
 * the tag from the state and the key, the lengths and the zero padding are constants. A job counting long
 * keys changes every page between two checkpoints and writes them all whole at each one; halving what a
 * cell takes again halves what it writes, checksums and makes the host's disk emulation flush.
 * <p>
 * <b>Why the image stays exact whatever the page holds.</b> The writer reduces a chunk only when its bytes
 * equal what the reader will rebuild from its key, compared word for word; whether the chunk is really a
 * cell does not matter. The state is the one of the page's first long → long cell (any value would be
 * correct, that one makes the most cells match). A page of other entries, a tombstone, a cell of another
 * state or an 8-byte key stored with a longer value go out whole.
 * <p>
 * Stateless; buffers are the caller's, bounds checked once per call.
 */
final class PageImages
{
    static final int CHUNK_SHIFT = 5;
    static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    /**
     * Bytes a reduced chunk takes: the key and the value.
     */
    static final int COMPACT_SIZE = 16;
    /**
     * Bytes 24..32 of a long → long cell read as one native long: a zero int, then the lengths.
     */
    private static final long LONG_CELL_END = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ?
        (long)BucketPage.LONG_LENGTHS << 32 : BucketPage.LONG_LENGTHS;
    private static final int STATE_BYTES = 8;

    private PageImages()
    {
    }

    /**
     * @return 32-byte chunks of a page's layout (a multiple of 64 bytes: {@link ChangedLines#layoutSize}).
     */
    static int chunks(final int layoutSize)
    {
        return layoutSize >>> CHUNK_SHIFT;
    }

    /**
     * @return bytes of one of an image's two bitmaps.
     */
    static int bitmapBytes(final int layoutSize)
    {
        return ((chunks(layoutSize) + 63) >>> 6) << 3;
    }

    /**
     * @return offset of the chunks in the payload.
     */
    private static int chunksAt(final int layoutSize)
    {
        return 2 * bitmapBytes(layoutSize) + STATE_BYTES;
    }

    /**
     * @return payload bytes of an image with {@code present} non-zero chunks, {@code compact} of them
     * reduced.
     */
    static int payload(final int layoutSize, final int present, final int compact)
    {
        return chunksAt(layoutSize) + (present << CHUNK_SHIFT) - compact * COMPACT_SIZE;
    }

    /**
     * @return the largest payload of an image of a page with this layout (no chunk zero or reduced).
     */
    static int maxPayload(final int layoutSize)
    {
        return payload(layoutSize, chunks(layoutSize), 0);
    }

    /**
     * Writes the image of the layout of {@code page} (from offset 0) at {@code at} in {@code out}, which
     * must have room for {@link #maxPayload}: the stores past the image's end stay inside that room.
     * <p>
     * Every chunk is stored at the output position and the position advances by what the chunk keeps
     * (0, 16 or 32 bytes): no branch on the data, whose zero, reduced and whole chunks alternate at random
     * in a page of cells.
     *
     * @return the image's length.
     */
    static int pack(final UnsafeBuffer page, final int layoutSize, final UnsafeBuffer out, final int at)
    {
        final int chunks = chunks(layoutSize);
        final int bitmapBytes = bitmapBytes(layoutSize);
        page.boundsCheck(0, layoutSize);
        out.boundsCheck(at, maxPayload(layoutSize));
        final byte[] srcArray = page.byteArray();
        final long src = page.addressOffset();
        final byte[] dstArray = out.byteArray();
        final long dst = out.addressOffset() + at;
        final int state = stateOfFirstLongCell(srcArray, src, chunks);
        long data = chunksAt(layoutSize);
        for (int word = 0; word << 6 < chunks; word++)
        {
            long presentBits = 0;
            long compactBits = 0;
            final int last = Math.min(chunks, (word + 1) << 6);
            for (int chunk = word << 6; chunk < last; chunk++)
            {
                final long from = src + ((long)chunk << CHUNK_SHIFT);
                final long tag = UnsafeApi.getLong(srcArray, from);
                final long key = UnsafeApi.getLong(srcArray, from + 8);
                final long value = UnsafeApi.getLong(srcArray, from + 16);
                final long end = UnsafeApi.getLong(srcArray, from + 24);
                final long to = dst + data;
                UnsafeApi.putLong(dstArray, to, key);
                UnsafeApi.putLong(dstArray, to + 8, value);
                UnsafeApi.putLong(dstArray, to + 16, tag);
                UnsafeApi.putLong(dstArray, to + 24, end);
                final long any = tag | key | value | end;
                final long present = (any | -any) >>> 63;
                // a reduced chunk is never zero (its end word is not), so compact implies present
                final long differs = (tag ^ BucketPage.tag(EntryHash.hash(state, key), state)) | (end ^ LONG_CELL_END);
                final long compact = ((differs | -differs) >>> 63) ^ 1;
                data += (present << CHUNK_SHIFT) - (compact << 4);
                presentBits |= present << chunk;
                compactBits |= compact << chunk;
            }
            UnsafeApi.putLong(dstArray, dst + ((long)word << 3), presentBits);
            UnsafeApi.putLong(dstArray, dst + bitmapBytes + ((long)word << 3), compactBits);
        }
        UnsafeApi.putInt(dstArray, dst + 2L * bitmapBytes, state);
        UnsafeApi.putInt(dstArray, dst + 2L * bitmapBytes + 4, 0);
        return (int)data;
    }

    /**
     * @return the state of the first chunk that holds a long → long cell, or 0 if none does.
     */
    private static int stateOfFirstLongCell(final byte[] array, final long src, final int chunks)
    {
        for (int chunk = BucketPage.CELLS >>> CHUNK_SHIFT; chunk < chunks; chunk++)
        {
            final long from = src + ((long)chunk << CHUNK_SHIFT);
            final long tag = UnsafeApi.getLong(array, from);
            if (UnsafeApi.getLong(array, from + 24) == LONG_CELL_END && tag != BucketPage.EMPTY &&
                tag != BucketPage.TOMBSTONE)
            {
                return BucketPage.stateOf(tag);
            }
        }
        return 0;
    }

    /**
     * Writes every chunk of a page's layout from an image: the present ones from the image (reduced ones
     * rebuilt), the others as zeros. Checks the image against its length before writing anything.
     *
     * @param image      the image, from offset 0.
     * @param length     its length.
     * @param layoutSize the page's layout size.
     * @param page       the target page, whatever it held.
     * @param base       the page's offset in it.
     * @return false, with the page untouched, if the image is malformed: shorter than its bitmaps, a bit
     * set past the last chunk, a chunk reduced but not present, or a length that its bitmaps do not count.
     */
    static boolean unpack(final UnsafeBuffer image, final int length, final int layoutSize, final UnsafeBuffer page,
        final int base)
    {
        final int chunks = chunks(layoutSize);
        final int bitmapBytes = bitmapBytes(layoutSize);
        if (length < chunksAt(layoutSize) || length > image.capacity())
        {
            return false;
        }
        int present = 0;
        int compact = 0;
        long invalid = 0;
        for (int word = 0; word < bitmapBytes; word += Long.BYTES)
        {
            final long presentBits = image.getLong(word);
            final long compactBits = image.getLong(bitmapBytes + word);
            present += Long.bitCount(presentBits);
            compact += Long.bitCount(compactBits);
            invalid |= compactBits & ~presentBits;
        }
        if (0 != (chunks & 63))
        {
            // bits past the last chunk must be clear, or the counts would take them for chunks
            invalid |= image.getLong(bitmapBytes - Long.BYTES) >>> (chunks & 63);
        }
        if (0 != invalid || payload(layoutSize, present, compact) != length)
        {
            return false;
        }
        final int state = image.getInt(2 * bitmapBytes);
        page.boundsCheck(base, layoutSize);
        final byte[] dstArray = page.byteArray();
        final long dst = page.addressOffset() + base;
        final byte[] srcArray = image.byteArray();
        final long src = image.addressOffset();
        long from = src + chunksAt(layoutSize);
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            final long to = dst + ((long)chunk << CHUNK_SHIFT);
            final long bit = 1L << chunk;
            final int word = (chunk >>> 6) << 3;
            if (0 == (image.getLong(word) & bit))
            {
                UnsafeApi.putLong(dstArray, to, 0L);
                UnsafeApi.putLong(dstArray, to + 8, 0L);
                UnsafeApi.putLong(dstArray, to + 16, 0L);
                UnsafeApi.putLong(dstArray, to + 24, 0L);
                continue;
            }
            final long key = UnsafeApi.getLong(srcArray, from);
            UnsafeApi.putLong(dstArray, to + 8, key);
            UnsafeApi.putLong(dstArray, to + 16, UnsafeApi.getLong(srcArray, from + 8));
            if (0 != (image.getLong(bitmapBytes + word) & bit))
            {
                UnsafeApi.putLong(dstArray, to, BucketPage.tag(EntryHash.hash(state, key), state));
                UnsafeApi.putLong(dstArray, to + 24, LONG_CELL_END);
                from += COMPACT_SIZE;
            }
            else
            {
                UnsafeApi.putLong(dstArray, to, UnsafeApi.getLong(srcArray, from + 16));
                UnsafeApi.putLong(dstArray, to + 24, UnsafeApi.getLong(srcArray, from + 24));
                from += CHUNK_SIZE;
            }
        }
        return true;
    }
}
