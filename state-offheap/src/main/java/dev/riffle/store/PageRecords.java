package dev.riffle.store;

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
 *   DELTA payload = lines:int  lineIndex:short[lines]  (zero padding to 8)  image of those lines' chunks
 *   image: 32-byte chunks without the all-zero ones, long → long cells reduced to key and value
 *   ({@link PageImages}); line indices in native order, as the pages themselves
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
     * @return the largest payload of a delta of {@code lines} lines (the image of every chunk whole).
     */
    static int deltaPayload(final int lines)
    {
        return linesImageAt(lines) + PageImages.maxImageBytes(2 * lines);
    }

    /**
     * @return offset of a delta's image in its payload, after the line count and indices.
     */
    private static int linesImageAt(final int lines)
    {
        return align8(Integer.BYTES + Short.BYTES * lines);
    }

    /**
     * @return the largest payload a record of a page of {@code pageSize} may have: a full image of a page
     * without a zero or reduced chunk, or a delta of every line, whichever is larger.
     */
    static int maxPayload(final int pageSize)
    {
        final int layoutSize = ChangedLines.layoutSize(pageSize);
        return Math.max(PageImages.maxImageBytes(PageImages.chunks(layoutSize)),
            deltaPayload(ChangedLines.contentLines(pageSize)));
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
         * @return file offset of the delta of the lines {@code copy}'s change map marks.
         * @throws IllegalStateException if the map marks another number of lines than {@code lines}.
         */
        long delta(final UnsafeBuffer copy, final int lines) throws IOException
        {
            final long at = position;
            reserve(HEADER + deltaPayload(lines));
            final int start = staging.position();
            final int indices = start + HEADER + Integer.BYTES;
            final int image = start + HEADER + linesImageAt(lines);
            stagingView.setMemory(start + HEADER, image - start - HEADER, (byte)0);
            stagingView.putInt(start + HEADER, lines);
            int n = 0;
            final int contentLines = ChangedLines.contentLines(pageSize);
            final int map = ChangedLines.layoutSize(pageSize);
            copy.boundsCheck(map, contentLines);
            int line = ChangedLines.nextChanged(copy, map, 0, contentLines);
            while (line < contentLines && n < lines)
            {
                final int end = Math.min(ChangedLines.runEnd(copy, map, line, contentLines), line + lines - n);
                for (int l = line; l < end; l++)
                {
                    stagingView.putShort(indices + (n++ << 1), (short)l);
                }
                line = ChangedLines.nextChanged(copy, map, end, contentLines);
            }
            if (line < contentLines)
            {
                n++; // more lines marked than counted: reported below
            }
            if (n != lines)
            {
                throw new IllegalStateException("change map counted " + lines + " lines, then " + n);
            }
            final int imageBytes =
                PageImages.packLines(copy, layoutSize, stagingView, indices, lines, stagingView, image);
            finishRecord(start, DELTA, image - start - HEADER + imageBytes);
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
            final int lines = payload.getInt(0);
            final int contentLines = ChangedLines.contentLines(pageSize);
            if (lines < 0 || lines > contentLines || linesImageAt(lines) > length)
            {
                throw new CorruptSnapshotException(path, "has a malformed page delta at offset " + offset, null);
            }
            for (int i = 0; i < lines; i++)
            {
                final int line = payload.getShort(Integer.BYTES + (i << 1));
                if (line < 0 || line >= contentLines)
                {
                    throw new CorruptSnapshotException(path, "has a delta line out of range at offset " + offset, null);
                }
            }
            final int image = linesImageAt(lines);
            if (!PageImages.unpackLines(payload, Integer.BYTES, lines, image, length - image, page, base, layoutSize))
            {
                throw new CorruptSnapshotException(path, "has a malformed page delta at offset " + offset, null);
            }
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
