package dev.riffle.store;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The image of a run of a page's 32-byte chunks, as a page record carries it: all-zero chunks left out and
 * long → long cells of one state reduced to their key and value. A full image ({@link PageRecords#FULL})
 * holds every chunk of the page's layout in order; a delta ({@link PageRecords#DELTA}) the two chunks of
 * each changed 64-byte line, in the order of its line list.
 * <pre>
 * image = present:long[words]  reduced:long[words]  state:int  0:int  chunks
 *   words = ceil(chunks of the run / 64); bit i is word i / 64, bit i % 64 (native order)
 *   present bit i clear: chunk i is all zeros and is not in the image
 *   present bit i set, reduced bit clear: chunk i as its bytes 8..24, 0..8, 24..32 (32 bytes)
 *   present and reduced bits set:         chunk i as its bytes 8..24 (16 bytes: a cell's key and value);
 *     bytes 0..8 are then BucketPage.tag(EntryHash.hash(state, key), state) and bytes 24..32 an int 0
 *     and the int BucketPage.LONG_LENGTHS
 * </pre>
 * <b>Why zero chunks are left out.</b> A page of small entries is mostly cells, at most 3/4 and, after a
 * split, 3/8 occupied; a chunk is one cell and an empty cell is all zeros, so a page of long → long
 * entries is about half zeros.
 * <p>
 * <b>Why the cells are reduced.</b> A long → long cell is 32 bytes of which a restore can recompute half:
 * the tag from the state and the key, the lengths and the zero padding are constants. A job counting long
 * keys changes every page between two checkpoints and writes them all whole at each one; halving what a
 * cell takes halves what it writes, checksums and makes the host's disk emulation flush.
 * <p>
 * <b>Why the image is exact whatever the page holds.</b> The writer reduces a chunk only when its bytes
 * equal what the reader will rebuild from its key, compared word for word; whether the chunk is really a
 * cell does not matter. The state is the one of the run's first long → long cell (any value would be
 * correct, that one makes the most cells match). Cells of other entries or states, tombstones and 8-byte
 * keys stored with a longer value go out whole.
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
    static final int REDUCED_SIZE = 16;
    /**
     * Bytes 24..32 of a long → long cell read as one native long: a zero int, then the lengths.
     */
    private static final long LONG_CELL_END = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ?
        (long)BucketPage.LONG_LENGTHS << 32 : BucketPage.LONG_LENGTHS;
    private static final int STATE_BYTES = 8;
    private static final int PRESENT = 1;
    private static final int REDUCED = 2;

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
     * @return bytes of one of the two bitmaps of an image of {@code chunks} chunks.
     */
    static int bitmapBytes(final int chunks)
    {
        return ((chunks + 63) >>> 6) << 3;
    }

    /**
     * @return bytes of an image of {@code chunks} chunks, {@code present} of them not zero and
     * {@code reduced} of those reduced.
     */
    static int imageBytes(final int chunks, final int present, final int reduced)
    {
        return dataAt(chunks) + (present << CHUNK_SHIFT) - reduced * REDUCED_SIZE;
    }

    /**
     * @return the largest image of {@code chunks} chunks (none zero or reduced).
     */
    static int maxImageBytes(final int chunks)
    {
        return imageBytes(chunks, chunks, 0);
    }

    private static int dataAt(final int chunks)
    {
        return 2 * bitmapBytes(chunks) + STATE_BYTES;
    }

    /**
     * Writes the image of the whole layout of {@code page} (from offset 0) at {@code at} in {@code out},
     * which must have room for {@link #maxImageBytes} of the layout's chunks.
     *
     * @return the image's length.
     */
    static int packPage(final UnsafeBuffer page, final int layoutSize, final UnsafeBuffer out, final int at)
    {
        page.boundsCheck(0, layoutSize);
        return pack(page, null, 0, chunks(layoutSize), out, at);
    }

    /**
     * Writes the image of the two chunks of each of {@code lines} lines of {@code page} at {@code at} in
     * {@code out}, which must have room for {@link #maxImageBytes} of {@code 2 × lines} chunks.
     *
     * @param indices the lines' indices, {@code short}s in native order at {@code indicesAt}, each a line
     *                of the page's layout (checked by the caller).
     * @return the image's length.
     */
    static int packLines(final UnsafeBuffer page, final int layoutSize, final UnsafeBuffer indices,
        final int indicesAt, final int lines, final UnsafeBuffer out, final int at)
    {
        page.boundsCheck(0, layoutSize);
        indices.boundsCheck(indicesAt, lines * Short.BYTES);
        return pack(page, indices.byteArray(), indices.addressOffset() + indicesAt, 2 * lines, out, at);
    }

    /**
     * Every chunk is stored at the output position and the position advances by what the chunk keeps (0,
     * 16 or 32 bytes): no branch on the data, whose zero, reduced and whole chunks alternate at random in
     * a page of cells. The stores past the image's end stay inside the room the caller reserved.
     *
     * @param indexArray   the line list's array, or null if it is off heap (or there is none).
     * @param indexAddress the line list's address (its offset in {@code indexArray}), or 0 for the page's
     *                     chunks in order: no line list is ever at address 0.
     */
    private static int pack(final UnsafeBuffer page, final byte[] indexArray, final long indexAddress,
        final int chunks, final UnsafeBuffer out, final int at)
    {
        out.boundsCheck(at, maxImageBytes(chunks));
        final int bitmapBytes = bitmapBytes(chunks);
        final byte[] srcArray = page.byteArray();
        final long src = page.addressOffset();
        final byte[] dstArray = out.byteArray();
        final long dst = out.addressOffset() + at;
        final boolean lines = indexAddress != 0;
        final int state = stateOfFirstLongCell(srcArray, src, lines, indexArray, indexAddress, chunks);
        long data = dataAt(chunks);
        for (int word = 0; word << 6 < chunks; word++)
        {
            long presentBits = 0;
            long reducedBits = 0;
            final int last = Math.min(chunks, (word + 1) << 6);
            for (int chunk = word << 6; chunk < last; chunk++)
            {
                final int kept = packChunk(srcArray, chunkAddress(src, lines, indexArray, indexAddress, chunk),
                    dstArray, dst + data, state);
                final long present = kept & PRESENT;
                final long reduced = kept >>> 1;
                data += (present << CHUNK_SHIFT) - (reduced << 4);
                presentBits |= present << chunk;
                reducedBits |= reduced << chunk;
            }
            UnsafeApi.putLong(dstArray, dst + ((long)word << 3), presentBits);
            UnsafeApi.putLong(dstArray, dst + bitmapBytes + ((long)word << 3), reducedBits);
        }
        UnsafeApi.putInt(dstArray, dst + 2L * bitmapBytes, state);
        UnsafeApi.putInt(dstArray, dst + 2L * bitmapBytes + 4, 0);
        return (int)data;
    }

    /**
     * Stores the chunk at {@code from} in image order at {@code to} (all 32 bytes, whatever it keeps).
     *
     * @return {@link #PRESENT} if it is not all zeros, plus {@link #REDUCED} if it is also a long cell of
     * {@code state} (a reduced chunk is never zero: its end word is not).
     */
    private static int packChunk(final byte[] srcArray, final long from, final byte[] dstArray, final long to,
        final int state)
    {
        final long tag = UnsafeApi.getLong(srcArray, from);
        final long key = UnsafeApi.getLong(srcArray, from + 8);
        final long value = UnsafeApi.getLong(srcArray, from + 16);
        final long end = UnsafeApi.getLong(srcArray, from + 24);
        UnsafeApi.putLong(dstArray, to, key);
        UnsafeApi.putLong(dstArray, to + 8, value);
        UnsafeApi.putLong(dstArray, to + 16, tag);
        UnsafeApi.putLong(dstArray, to + 24, end);
        final long any = tag | key | value | end;
        final long differs = (tag ^ BucketPage.tag(EntryHash.hash(state, key), state)) | (end ^ LONG_CELL_END);
        return (int)((any | -any) >>> 63) | (int)((((differs | -differs) >>> 63) ^ 1) << 1);
    }

    /**
     * @return the address of chunk {@code chunk} of the run: of the page in order, or of the line list.
     */
    private static long chunkAddress(final long src, final boolean lines, final byte[] indexArray,
        final long indexAddress, final int chunk)
    {
        if (!lines)
        {
            return src + ((long)chunk << CHUNK_SHIFT);
        }
        final long line = UnsafeApi.getShort(indexArray, indexAddress + ((long)(chunk >>> 1) << 1));
        return src + (line << ChangedLines.LINE_SHIFT) + ((long)(chunk & 1) << CHUNK_SHIFT);
    }

    /**
     * @return the state of the first chunk that holds a long → long cell, or 0 if none does.
     */
    private static int stateOfFirstLongCell(final byte[] array, final long src, final boolean lines,
        final byte[] indexArray, final long indexAddress, final int chunks)
    {
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            final long from = chunkAddress(src, lines, indexArray, indexAddress, chunk);
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
     * Writes every chunk of a page's layout from a full image: the present ones from the image (reduced
     * ones rebuilt), the others as zeros. Checks the image against its length before writing anything.
     *
     * @param image  the record's payload, holding the image at offset 0.
     * @param length the image's length.
     * @param page   the target page, whatever it held; its layout is written at {@code base}.
     * @return false, with the page untouched, if the image is malformed (see {@link #expectedLength}).
     */
    static boolean unpackPage(final UnsafeBuffer image, final int length, final int layoutSize,
        final UnsafeBuffer page, final int base)
    {
        page.boundsCheck(base, layoutSize);
        return unpack(image, 0, length, chunks(layoutSize), page, base, null, 0);
    }

    /**
     * Writes the two chunks of each of {@code lines} lines of a page from a delta's image.
     *
     * @param image     the record's payload: line indices ({@code short}s, native order) at
     *                  {@code indicesAt}, each a line of the page (checked by the caller), and the image
     *                  at {@code at}.
     * @param length    the image's length.
     * @param page      the target page, its layout at {@code base}.
     * @return false, with the page untouched, if the image is malformed (see {@link #expectedLength}).
     */
    static boolean unpackLines(final UnsafeBuffer image, final int indicesAt, final int lines, final int at,
        final int length, final UnsafeBuffer page, final int base, final int layoutSize)
    {
        page.boundsCheck(base, layoutSize);
        image.boundsCheck(indicesAt, lines * Short.BYTES);
        return unpack(image, at, length, 2 * lines, page, base, image.byteArray(),
            image.addressOffset() + indicesAt);
    }

    private static boolean unpack(final UnsafeBuffer image, final int at, final int length, final int chunks,
        final UnsafeBuffer page, final int base, final byte[] indexArray, final long indexAddress)
    {
        if (length != expectedLength(image, at, length, chunks))
        {
            return false;
        }
        final int bitmapBytes = bitmapBytes(chunks);
        final int state = image.getInt(at + 2 * bitmapBytes);
        final byte[] dstArray = page.byteArray();
        final long dst = page.addressOffset() + base;
        final byte[] srcArray = image.byteArray();
        final long bitmaps = image.addressOffset() + at;
        final boolean lines = indexAddress != 0;
        long from = bitmaps + dataAt(chunks);
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            final long to = chunkAddress(dst, lines, indexArray, indexAddress, chunk);
            final long word = (long)(chunk >>> 6) << 3;
            final long bit = 1L << chunk;
            if (0 == (UnsafeApi.getLong(srcArray, bitmaps + word) & bit))
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
            if (0 != (UnsafeApi.getLong(srcArray, bitmaps + bitmapBytes + word) & bit))
            {
                UnsafeApi.putLong(dstArray, to, BucketPage.tag(EntryHash.hash(state, key), state));
                UnsafeApi.putLong(dstArray, to + 24, LONG_CELL_END);
                from += REDUCED_SIZE;
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

    /**
     * @return the length of the image of {@code chunks} chunks at {@code at} in {@code image} as its bitmaps
     * count, or -1 if it is malformed or longer than the {@code available} bytes there.
     */
    static int imageLength(final UnsafeBuffer image, final int at, final int available, final int chunks)
    {
        final int length = expectedLength(image, at, available, chunks);
        return length <= available ? length : -1;
    }

    /**
     * @return the length the image's bitmaps count, or -1 if the image is malformed: shorter than its
     * bitmaps or past the buffer, a bit set past the last chunk, or a chunk reduced but not present.
     */
    private static int expectedLength(final UnsafeBuffer image, final int at, final int length, final int chunks)
    {
        final int bitmapBytes = bitmapBytes(chunks);
        if (length < dataAt(chunks) || at < 0 || (long)at + length > image.capacity())
        {
            return -1;
        }
        int present = 0;
        int reduced = 0;
        long invalid = 0;
        for (int word = 0; word < bitmapBytes; word += Long.BYTES)
        {
            final long presentBits = image.getLong(at + word);
            final long reducedBits = image.getLong(at + bitmapBytes + word);
            present += Long.bitCount(presentBits);
            reduced += Long.bitCount(reducedBits);
            invalid |= reducedBits & ~presentBits;
        }
        if (0 != (chunks & 63))
        {
            // bits past the last chunk must be clear, or the counts would take them for chunks
            invalid |= image.getLong(at + bitmapBytes - Long.BYTES) >>> (chunks & 63);
        }
        return 0 == invalid ? imageBytes(chunks, present, reduced) : -1;
    }
}
