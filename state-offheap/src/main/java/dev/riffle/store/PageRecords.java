package dev.riffle.store;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The records of a snapshot data file: a page's full image, or a delta of the 64-byte lines that changed
 * since the page's previous record. A page is restored from a chain: one full image, then its deltas in
 * order ({@link PageRef}).
 * <pre>
 * record  = kind:int  payloadLength:int  crc:int  0:int  payload      (header big-endian, 8-byte aligned)
 *   crc   = CRC-32C of kind, payloadLength (big-endian) and payload
 *   FULL  payload = image of the page's first layoutSize bytes (its change map is not saved)
 *   DELTA payload = lines:int  valueLines:int  lineIndex:short[lines]  (zero padding to 8)  valueLineList
 *                   (zero padding to 8)  image of the lines' chunks  values of the value lines
 *   lines: changed lines saved whole; value lines: changed lines of a page that changed in its inline
 *   values alone ({@link ChangedLines#valuesOnly}), saved as those values ({@link ValueLines}); the writer
 *   writes one kind per record
 *   valueLineList = short[valueLines], or a bitmap of the page's content lines (long words, line i is
 *   bit i % 64 of word i / 64) when that is smaller
 *   image: 32-byte chunks without the all-zero ones, long → long cells reduced to key and value
 *   ({@link PageImages}); line indices and bitmaps in native order, as the pages themselves
 * </pre>
 * Every record carries its own checksum, so a restore reads only the records its chains name, each
 * once, and still detects any damage to them; the file's length (in the manifest) detects truncation.
 */
final class PageRecords
{
    static final int FULL = 0x46554C4C;
    static final int DELTA = 0x44454C54;
    static final int HEADER = 16;
    /**
     * Staging for appends, unless a page is larger: small enough to stay in L2 between being filled and
     * written (a 1 MiB buffer made reads and writes ~2.5× slower on the development VM).
     */
    private static final int STAGING = 1 << 17;

    private PageRecords()
    {
    }

    /**
     * @return the largest payload of a delta of {@code lines} whole lines and {@code valueLines} value lines
     * (the image of every chunk whole, every value line two cells of value only).
     */
    static int deltaPayload(final int lines, final int valueLines, final int contentLines)
    {
        return imageAt(lines, valueLines, contentLines) + PageImages.maxImageBytes(2 * lines) +
            valueLines * ValueLines.MAX_LINE_BYTES;
    }

    /**
     * @return what a delta of {@code lines} whole lines and {@code valueLines} value lines is expected to
     * take: whole lines at their largest, a value line as two long values.
     */
    static int deltaPayloadEstimate(final int lines, final int valueLines, final int contentLines)
    {
        return imageAt(lines, valueLines, contentLines) + PageImages.maxImageBytes(2 * lines) +
            valueLines * 2 * Long.BYTES;
    }

    /**
     * @return whether a delta lists its value lines as a bitmap of the page's content lines, which is
     * smaller than a list of that many {@code short}s.
     */
    private static boolean valueBitmap(final int valueLines, final int contentLines)
    {
        return valueLines * Short.BYTES > PageImages.bitmapBytes(contentLines);
    }

    private static int valueListAt(final int lines)
    {
        return align8(2 * Integer.BYTES + Short.BYTES * lines);
    }

    /**
     * @return offset of a delta's image in its payload, after the line counts and lists.
     */
    private static int imageAt(final int lines, final int valueLines, final int contentLines)
    {
        final int list = valueBitmap(valueLines, contentLines) ?
            PageImages.bitmapBytes(contentLines) : Short.BYTES * valueLines;
        return align8(valueListAt(lines) + list);
    }

    /**
     * @return the largest payload a record of a page of {@code pageSize} may have: a full image of a page
     * without a zero or reduced chunk, or a bound of any delta (every line counted as both kinds).
     */
    static int maxPayload(final int pageSize)
    {
        final int layoutSize = ChangedLines.layoutSize(pageSize);
        final int contentLines = ChangedLines.contentLines(pageSize);
        return Math.max(PageImages.maxImageBytes(PageImages.chunks(layoutSize)),
            deltaPayload(contentLines, contentLines, contentLines));
    }

    private static int align8(final int length)
    {
        return (length + 7) & ~7;
    }

    /**
     * Appends records to a new data file through a staging buffer; keeps the whole file's CRC-32C for
     * the manifest. One thread.
     */
    static final class Writer implements AutoCloseable
    {
        private final FileChannel channel;
        private final int pageSize;
        private final int layoutSize;
        private final ByteBuffer staging;
        private final UnsafeBuffer stagingView;
        private final CRC32C fileCrc = new CRC32C();
        private final CRC32C recordCrc = new CRC32C();
        private final ByteBuffer header = ByteBuffer.allocate(8);
        private long position;

        Writer(final FileChannel channel, final int pageSize)
        {
            this.channel = channel;
            this.pageSize = pageSize;
            this.layoutSize = ChangedLines.layoutSize(pageSize);
            this.staging = ByteBuffer.allocateDirect(Math.max(STAGING, HEADER + maxPayload(pageSize)));
            this.stagingView = new UnsafeBuffer(staging);
        }

        /**
         * @return file offset of the full image of the page in {@code copy} (at offset 0).
         */
        long full(final UnsafeBuffer copy) throws IOException
        {
            final long at = position;
            reserve(HEADER + PageImages.maxImageBytes(PageImages.chunks(layoutSize)));
            final int start = staging.position();
            finishRecord(start, FULL, PageImages.packPage(copy, layoutSize, stagingView, start + HEADER));
            return at;
        }

        /**
         * @return file offset of the delta of the lines {@code copy}'s change map marks: as their values if
         * the page changed in its inline values alone ({@link ChangedLines#valuesOnly}), else as their image.
         * @throws IllegalStateException if the map marks another number of lines than {@code lines}.
         */
        long delta(final UnsafeBuffer copy, final int lines) throws IOException
        {
            final long at = position;
            final int contentLines = ChangedLines.contentLines(pageSize);
            final int map = layoutSize;
            final boolean valuesOnly = ChangedLines.valuesOnly(copy, 0, pageSize);
            final int whole = valuesOnly ? 0 : lines;
            final int values = lines - whole;
            reserve(HEADER + deltaPayload(whole, values, contentLines));
            final int start = staging.position();
            final int payload = start + HEADER;
            final int indices = payload + 2 * Integer.BYTES;
            // a record lists one kind of line: whole lines' indices, or value lines as indices or a bitmap
            final int list = valuesOnly ? payload + valueListAt(whole) : indices;
            final boolean bitmap = valueBitmap(values, contentLines);
            final int image = payload + imageAt(whole, values, contentLines);
            stagingView.setMemory(payload, image - payload, (byte)0);
            stagingView.putInt(payload, whole);
            stagingView.putInt(payload + Integer.BYTES, values);
            int n = 0;
            copy.boundsCheck(map, contentLines);
            final byte[] mapArray = copy.byteArray();
            final long mapAddress = copy.addressOffset() + map;
            for (int line = 0; line < contentLines; line++)
            {
                if (ChangedLines.eightUnmarked(mapArray, mapAddress, line, contentLines))
                {
                    line += Long.BYTES - 1;
                    continue;
                }
                if (0 == UnsafeApi.getByte(mapArray, mapAddress + line))
                {
                    continue;
                }
                if (n < lines)
                {
                    if (bitmap)
                    {
                        final int word = list + ((line >>> 6) << 3);
                        stagingView.putLong(word, stagingView.getLong(word) | 1L << line);
                    }
                    else
                    {
                        stagingView.putShort(list + (n << 1), (short)line);
                    }
                }
                n++;
            }
            if (n != lines)
            {
                throw new IllegalStateException("change map counted " + lines + " lines, then " + n);
            }
            final int imageBytes =
                PageImages.packLines(copy, layoutSize, stagingView, indices, whole, stagingView, image);
            final int valueBytes =
                valuesOnly ? ValueLines.pack(copy, map, contentLines, stagingView, image + imageBytes) : 0;
            finishRecord(start, DELTA, image - payload + imageBytes + valueBytes);
            return at;
        }

        private void finishRecord(final int start, final int kind, final int payload)
        {
            header.clear();
            header.putInt(kind).putInt(payload).flip();
            recordCrc.reset();
            recordCrc.update(header);
            recordCrc.update(staging.duplicate().position(start + HEADER).limit(start + HEADER + payload));
            staging.putInt(start, kind);
            staging.putInt(start + 4, payload);
            staging.putInt(start + 8, (int)recordCrc.getValue());
            staging.putInt(start + 12, 0);
            staging.position(start + HEADER + payload);
            position += HEADER + payload;
        }

        private void reserve(final int length) throws IOException
        {
            if (length > staging.capacity())
            {
                throw new IllegalStateException("record of " + length + " bytes exceeds the staging buffer");
            }
            if (staging.remaining() < length)
            {
                flush();
            }
        }

        private void flush() throws IOException
        {
            staging.flip();
            fileCrc.update(staging.duplicate());
            while (staging.hasRemaining())
            {
                channel.write(staging);
            }
            staging.clear();
        }

        long length()
        {
            return position;
        }

        /**
         * @return CRC-32C of the whole file; after {@link #close()}.
         */
        long crc()
        {
            return fileCrc.getValue();
        }

        /**
         * Writes what is staged and forces the file to disk; does not close the channel.
         */
        @Override
        public void close() throws IOException
        {
            flush();
            channel.force(true);
        }
    }

    /**
     * Reads chains back into pages; one thread.
     */
    static final class Reader
    {
        private final int pageSize;
        private final int layoutSize;
        private final ByteBuffer header = ByteBuffer.allocateDirect(HEADER);
        private final int maxPayload;
        private final UnsafeBuffer payload;
        private final CRC32C crc = new CRC32C();

        Reader(final int pageSize)
        {
            this.pageSize = pageSize;
            this.layoutSize = ChangedLines.layoutSize(pageSize);
            this.maxPayload = maxPayload(pageSize);
            this.payload = new UnsafeBuffer(ByteBuffer.allocateDirect(maxPayload));
        }

        /**
         * Applies one record to a page: a full image replaces its layout, a delta its lines.
         *
         * @param channel the data file, open for reading.
         * @param path    its path, for errors.
         * @param offset  the record's offset.
         * @param first   whether it starts a chain (must be a full image).
         * @param page    the buffer of the target page, whatever it held before.
         * @param base    the page's offset in it.
         * @throws CorruptSnapshotException if the record is cut short, of the wrong kind or damaged.
         */
        void apply(final FileChannel channel, final Path path, final long offset, final boolean first,
            final UnsafeBuffer page, final int base) throws IOException
        {
            header.clear();
            readFully(channel, path, header, offset);
            final int kind = header.getInt(0);
            final int length = header.getInt(4);
            final int expected = header.getInt(8);
            if (kind != (first ? FULL : DELTA) || length < 0 || length > maxPayload)
            {
                throw new CorruptSnapshotException(path, "has no valid " + (first ? "page image" : "page delta") +
                    " at offset " + offset, null);
            }
            final ByteBuffer bytes = payload.byteBuffer().duplicate().clear().limit(length);
            readFully(channel, path, bytes, offset + HEADER);
            crc.reset();
            crc.update(header.duplicate().clear().limit(8));
            crc.update(bytes.flip());
            if ((int)crc.getValue() != expected)
            {
                throw new CorruptSnapshotException(path, "fails the checksum of the record at offset " + offset, null);
            }
            if (kind == FULL)
            {
                if (!PageImages.unpackPage(payload, length, layoutSize, page, base))
                {
                    throw new CorruptSnapshotException(path, "has a malformed page image at offset " + offset, null);
                }
            }
            else
            {
                applyLines(path, offset, length, page, base);
            }
        }

        private void applyLines(final Path path, final long offset, final int length, final UnsafeBuffer page,
            final int base) throws CorruptSnapshotException
        {
            final int contentLines = ChangedLines.contentLines(pageSize);
            final int indices = 2 * Integer.BYTES;
            final int lines = length < indices ? -1 : payload.getInt(0);
            final int values = length < indices ? -1 : payload.getInt(Integer.BYTES);
            if (lines < 0 || lines > contentLines || values < 0 || values > contentLines ||
                imageAt(lines, values, contentLines) > length)
            {
                throw malformed(path, offset);
            }
            final int valueList = valueListAt(lines);
            final boolean bitmap = valueBitmap(values, contentLines);
            final boolean valueLinesInRange = bitmap ?
                bitmapCounts(valueList, values, contentLines) : linesInRange(valueList, values, contentLines);
            if (!linesInRange(indices, lines, contentLines) || !valueLinesInRange)
            {
                throw new CorruptSnapshotException(path, "has a delta line out of range at offset " + offset, null);
            }
            final int image = imageAt(lines, values, contentLines);
            final int imageLength = PageImages.imageLength(payload, image, length - image, 2 * lines);
            if (imageLength < 0 ||
                !PageImages.unpackLines(payload, indices, lines, image, imageLength, page, base, layoutSize) ||
                !ValueLines.unpack(payload, image + imageLength, length - image - imageLength, payload, valueList,
                    values, bitmap, contentLines, page, base))
            {
                throw malformed(path, offset);
            }
        }

        private static CorruptSnapshotException malformed(final Path path, final long offset)
        {
            return new CorruptSnapshotException(path, "has a malformed page delta at offset " + offset, null);
        }

        /**
         * @return whether each of the {@code count} line indices at {@code at} is a content line.
         */
        private boolean linesInRange(final int at, final int count, final int contentLines)
        {
            for (int i = 0; i < count; i++)
            {
                final int line = payload.getShort(at + (i << 1));
                if (line < 0 || line >= contentLines)
                {
                    return false;
                }
            }
            return true;
        }

        /**
         * @return whether the bitmap at {@code at} sets {@code count} bits, none past the content lines.
         */
        private boolean bitmapCounts(final int at, final int count, final int contentLines)
        {
            final int words = PageImages.bitmapBytes(contentLines) >>> 3;
            int set = 0;
            for (int word = 0; word < words; word++)
            {
                set += Long.bitCount(payload.getLong(at + (word << 3)));
            }
            final long last = payload.getLong(at + ((words - 1) << 3));
            return set == count && (0 == (contentLines & 63) || 0 == last >>> (contentLines & 63));
        }

        private static void readFully(final FileChannel channel, final Path path, final ByteBuffer bytes,
            final long position) throws IOException
        {
            long at = position;
            while (bytes.hasRemaining())
            {
                final int n = channel.read(bytes, at);
                if (n < 0)
                {
                    throw new CorruptSnapshotException(path, "ends inside the record at offset " + position, null);
                }
                at += n;
            }
        }
    }
}
