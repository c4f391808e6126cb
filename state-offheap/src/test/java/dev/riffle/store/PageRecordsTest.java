package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.riffle.store.RecordFiles.longCell;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full page images without their zero chunks and with long → long cells reduced: written and read back
 * byte for byte whatever the target held before, exactly as long as the kept chunks, and bitmaps that do
 * not match their record refused.
 */
class PageRecordsTest
{
    @TempDir
    Path dir;

    @Test
    void fullImagesReadBackExactlyAndHoldOnlyTheNonZeroChunks() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(7);
        for (final int pageSize : new int[]{4096, 65536})
        {
            final int layoutSize = ChangedLines.layoutSize(pageSize);
            final int chunks = layoutSize / PageImages.CHUNK_SIZE;
            // empty, full, every other chunk, the last chunk alone, single non-zero bytes at random
            final byte[][] pages = new byte[5][layoutSize];
            Arrays.fill(pages[1], (byte)0x5A);
            for (int c = 0; c < chunks; c += 2)
            {
                pages[2][c * PageImages.CHUNK_SIZE + random.nextInt(PageImages.CHUNK_SIZE)] = (byte)(1 + random.nextInt(255));
            }
            pages[3][layoutSize - 1] = 1;
            for (int i = 0; i < 40; i++)
            {
                pages[4][random.nextInt(layoutSize)] = (byte)(1 + random.nextInt(255));
            }
            final Path file = dir.resolve("pages-" + pageSize);
            final long[] offsets = new long[pages.length];
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
            {
                final PageRecords.Writer out = new PageRecords.Writer(channel, pageSize);
                for (int p = 0; p < pages.length; p++)
                {
                    offsets[p] = out.full(pageBuffer(pages[p], pageSize));
                }
                out.close();
                assertEquals(channel.size(), out.length());
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                final PageRecords.Reader reader = new PageRecords.Reader(pageSize);
                for (int p = 0; p < pages.length; p++)
                {
                    final long end = p + 1 < pages.length ? offsets[p + 1] : channel.size();
                    final int present = nonZeroChunks(new UnsafeBuffer(pages[p]), chunks);
                    assertEquals(PageRecords.HEADER + PageImages.imageBytes(chunks, present, 0), end - offsets[p],
                        "record length of page " + p + " of " + pageSize);
                    // the target holds other bytes everywhere: the image must overwrite its zero chunks too
                    final UnsafeBuffer target = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize + 128));
                    target.setMemory(0, target.capacity(), (byte)0xEE);
                    reader.apply(channel, file, offsets[p], true, target, 64);
                    final byte[] restored = new byte[layoutSize];
                    target.getBytes(64, restored);
                    assertArrayEquals(pages[p], restored, "page " + p + " of " + pageSize);
                    assertEquals((byte)0xEE, target.getByte(63));
                    assertEquals((byte)0xEE, target.getByte(64 + layoutSize));
                }
            }
        }
    }

    @Test
    void longCellsOfThePagesFirstStateAreReducedToKeyAndValueAndRebuiltExactly() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(11);
        for (final int pageSize : new int[]{4096, 65536})
        {
            final int layoutSize = ChangedLines.layoutSize(pageSize);
            final int chunks = layoutSize / PageImages.CHUNK_SIZE;
            final UnsafeBuffer layout = new UnsafeBuffer(new byte[layoutSize]);
            layout.putInt(BucketPage.LIVE, 12345);
            layout.putInt(BucketPage.CELL_COUNT, chunks - 2);
            final int state = 3;
            // the first cell is a long cell of `state`: it is the one reduced; key 0 and value 0 included
            int cell = 2;
            longCell(layout, cell++, state, 0, 0);
            int reduced = 1;
            int whole = 0;
            // cells the reader could not rebuild from key and value: another state, a tag with another
            // hash, a tombstone, bytes in the padding, a 12-byte key with an 8-byte value
            longCell(layout, cell++, state + 2, 77, 1);
            longCell(layout, cell, state, 78, 2);
            layout.putLong(cell++ * PageImages.CHUNK_SIZE, BucketPage.tag(EntryHash.hash(state, 79L), state));
            longCell(layout, cell, state, 80, 3);
            layout.putLong(cell++ * PageImages.CHUNK_SIZE, BucketPage.TOMBSTONE);
            longCell(layout, cell, state, 81, 4);
            layout.putInt(cell++ * PageImages.CHUNK_SIZE + 24, 1);
            longCell(layout, cell, state, 82, 5);
            layout.putInt(cell++ * PageImages.CHUNK_SIZE + BucketPage.CELL_LENGTHS, 12 | Long.BYTES << 16);
            whole += 5;
            for (; cell < chunks; cell++)
            {
                if (random.nextInt(100) < 60)
                {
                    longCell(layout, cell, state, random.nextLong(), random.nextLong());
                    reduced++;
                }
            }
            final byte[] page = new byte[layoutSize];
            layout.getBytes(0, page);
            final Path file = dir.resolve("cells-" + pageSize);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
            {
                final PageRecords.Writer out = new PageRecords.Writer(channel, pageSize);
                out.full(pageBuffer(page, pageSize));
                out.close();
                // the header chunk is present (live, cell count), the second header chunk is zero
                assertEquals(PageRecords.HEADER + PageImages.imageBytes(chunks, 1 + whole + reduced, reduced),
                    channel.size(), "record length of " + pageSize);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                final UnsafeBuffer target = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
                target.setMemory(0, target.capacity(), (byte)0xEE);
                new PageRecords.Reader(pageSize).apply(channel, file, 0, true, target, 0);
                final byte[] restored = new byte[layoutSize];
                target.getBytes(0, restored);
                assertArrayEquals(page, restored, "page of " + pageSize);
            }
        }
    }

    @Test
    void deltasCarryTheirLinesReducedAndWriteNothingElse() throws IOException
    {
        final int pageSize = 65536;
        final int layoutSize = ChangedLines.layoutSize(pageSize);
        final int state = 1;
        final UnsafeBuffer copy = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
        // line 0: the header (all zeros here), marked as a change other than of values marks it; line 1: two
        // long cells; line 5: a long cell and an empty cell; line 6: a cell of another state and an empty
        // one; line 9: all zeros (a removed entry's cell is a tombstone, but the writer must not care);
        // line 200: a long cell and a 12-byte String key; every other line: junk that must stay
        longCell(copy, 2, state, 10, 100);
        longCell(copy, 3, state, 11, 101);
        longCell(copy, 10, state, 12, 102);
        longCell(copy, 12, state + 1, 13, 103);
        longCell(copy, 400, state, 14, 104);
        longCell(copy, 401, state, 15, 105);
        copy.putInt(401 * PageImages.CHUNK_SIZE + BucketPage.CELL_LENGTHS, 12 | Long.BYTES << 16);
        final int[] lines = {0, 1, 5, 6, 9, 200};
        for (final int line : lines)
        {
            copy.putByte(layoutSize + line, ChangedLines.CHANGED);
        }
        final Path file = dir.resolve("delta");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            final PageRecords.Writer out = new PageRecords.Writer(channel, pageSize);
            out.delta(copy, lines.length);
            out.close();
            // present: 0 + 2 + 1 + 1 + 0 + 2 chunks; reduced: 0 + 2 + 1 + 0 + 0 + 1
            final int indices = (2 * Integer.BYTES + Short.BYTES * lines.length + 7) & ~7;
            assertEquals(PageRecords.HEADER + indices + PageImages.imageBytes(2 * lines.length, 6, 4), channel.size());
        }
        final UnsafeBuffer target = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
        target.setMemory(0, pageSize, (byte)0xEE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            new PageRecords.Reader(pageSize).apply(channel, file, 0, false, target, 0);
        }
        for (int line = 0; line < ChangedLines.contentLines(pageSize); line++)
        {
            final int at = line << ChangedLines.LINE_SHIFT;
            final boolean written = Arrays.stream(lines).anyMatch(l -> l == at >>> ChangedLines.LINE_SHIFT);
            for (int i = at; i < at + ChangedLines.LINE_SIZE; i++)
            {
                assertEquals(written ? copy.getByte(i) : (byte)0xEE, target.getByte(i), "byte " + i);
            }
        }
    }

    @Test
    void randomMixturesOfCellsNearCellsAndBytesReadBackExactlyAsImagesAndAsDeltas() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(2026);
        for (final int pageSize : new int[]{4096, 65536})
        {
            final int layoutSize = ChangedLines.layoutSize(pageSize);
            final int chunks = layoutSize / PageImages.CHUNK_SIZE;
            final int contentLines = ChangedLines.contentLines(pageSize);
            final Path file = dir.resolve("mixed-" + pageSize);
            final int rounds = 40;
            final UnsafeBuffer[] pages = new UnsafeBuffer[rounds];
            final int[][] deltaLines = new int[rounds][];
            final long[] fullAt = new long[rounds];
            final long[] deltaAt = new long[rounds];
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
            {
                final PageRecords.Writer out = new PageRecords.Writer(channel, pageSize);
                for (int r = 0; r < rounds; r++)
                {
                    pages[r] = mixedPage(random, pageSize, chunks);
                    final long before = out.length();
                    fullAt[r] = out.full(pages[r]);
                    assertEquals(PageRecords.HEADER + PageImages.imageBytes(chunks, nonZeroChunks(pages[r], chunks),
                        rebuildableChunks(pages[r], chunks)), out.length() - before, "image length, round " + r);
                    // a delta of a random set of lines (any number, up to all of them), the header line among
                    // them: the page changed other than in its values, so every line goes out whole
                    final int[] lines = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(0),
                        random.ints(random.nextInt(contentLines + 1), 0, contentLines)).distinct().sorted().toArray();
                    pages[r].setMemory(layoutSize, pageSize - layoutSize, (byte)0);
                    for (final int line : lines)
                    {
                        pages[r].putByte(layoutSize + line, ChangedLines.CHANGED);
                    }
                    deltaLines[r] = lines;
                    deltaAt[r] = out.delta(pages[r], lines.length);
                }
                out.close();
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                final PageRecords.Reader reader = new PageRecords.Reader(pageSize);
                for (int r = 0; r < rounds; r++)
                {
                    final UnsafeBuffer target = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
                    target.setMemory(0, pageSize, (byte)0xEE);
                    reader.apply(channel, file, fullAt[r], true, target, 0);
                    assertArrayEquals(bytes(pages[r], 0, layoutSize), bytes(target, 0, layoutSize),
                        "image of round " + r);
                    target.setMemory(0, pageSize, (byte)0xEE);
                    reader.apply(channel, file, deltaAt[r], false, target, 0);
                    int next = 0;
                    for (int line = 0; line < contentLines; line++)
                    {
                        final boolean inDelta = next < deltaLines[r].length && deltaLines[r][next] == line;
                        next += inDelta ? 1 : 0;
                        for (int i = line << ChangedLines.LINE_SHIFT; i < (line + 1) << ChangedLines.LINE_SHIFT; i++)
                        {
                            assertEquals(inDelta ? pages[r].getByte(i) : (byte)0xEE, target.getByte(i),
                                "delta of round " + r + ", byte " + i);
                        }
                    }
                }
            }
        }
    }

    /**
     * A page whose chunks are, at random: zeros, long cells of state 4 (the first cell is one), of state 9,
     * such cells with one bit flipped anywhere, and random bytes.
     */
    private static UnsafeBuffer mixedPage(final SplittableRandom random, final int pageSize, final int chunks)
    {
        final UnsafeBuffer page = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
        longCell(page, 2, 4, random.nextLong(), random.nextLong());
        for (int c = 3; c < chunks; c++)
        {
            final int kind = random.nextInt(100);
            final int at = c * PageImages.CHUNK_SIZE;
            if (kind < 40)
            {
                continue;
            }
            longCell(page, c, kind < 85 ? 4 : 9, random.nextInt(3) == 0 ? random.nextInt(100) : random.nextLong(),
                random.nextInt(3) == 0 ? 0 : random.nextLong());
            if (kind >= 75 && kind < 85)
            {
                final int bit = random.nextInt(PageImages.CHUNK_SIZE * 8);
                page.putByte(at + bit / 8, (byte)(page.getByte(at + bit / 8) ^ (1 << (bit % 8))));
            }
            else if (kind >= 95)
            {
                for (int i = 0; i < PageImages.CHUNK_SIZE; i++)
                {
                    page.putByte(at + i, (byte)random.nextInt(256));
                }
            }
        }
        return page;
    }

    private static int nonZeroChunks(final UnsafeBuffer page, final int chunks)
    {
        int present = 0;
        for (int c = 0; c < chunks; c++)
        {
            final int at = c * PageImages.CHUNK_SIZE;
            present += (page.getLong(at) | page.getLong(at + 8) | page.getLong(at + 16) | page.getLong(at + 24)) != 0 ?
                1 : 0;
        }
        return present;
    }

    /**
     * @return chunks equal to the long cell of state 4 (the first cell's) that their key and value make.
     */
    private static int rebuildableChunks(final UnsafeBuffer page, final int chunks)
    {
        final UnsafeBuffer cell = new UnsafeBuffer(new byte[PageImages.CHUNK_SIZE]);
        int rebuildable = 0;
        for (int c = 0; c < chunks; c++)
        {
            final int at = c * PageImages.CHUNK_SIZE;
            longCell(cell, 0, 4, page.getLong(at + BucketPage.CELL_PAYLOAD), page.getLong(at + LongCells.VALUE));
            rebuildable += Arrays.equals(bytes(cell, 0, PageImages.CHUNK_SIZE), bytes(page, at, PageImages.CHUNK_SIZE)) ?
                1 : 0;
        }
        return rebuildable;
    }

    private static byte[] bytes(final UnsafeBuffer buffer, final int at, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(at, bytes);
        return bytes;
    }

    @Test
    void aDeltaWhoseImageOrLinesDisagreeWithTheRecordIsRefused() throws IOException
    {
        final int pageSize = 4096;
        final int layoutSize = ChangedLines.layoutSize(pageSize);
        final UnsafeBuffer copy = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
        // a cell in the header line's place, which a delta of the header line and line 3 carries whole
        longCell(copy, 0, 0, 5, 6);
        copy.putByte(layoutSize, ChangedLines.CHANGED);
        copy.putByte(layoutSize + 3, ChangedLines.CHANGED);
        final Path file = dir.resolve("delta");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            final PageRecords.Writer out = new PageRecords.Writer(channel, pageSize);
            out.delta(copy, 2);
            out.close();
        }
        final Path pristine = dir.resolve("pristine");
        java.nio.file.Files.copy(file, pristine);
        // payload: lines, value lines (0), two indices, then the image of their 4 chunks, of which only
        // chunk 0 (the cell) is present, and reduced. Its present bit moved to chunk 3 with the reduced bit
        // kept: the counts still give the record's length, so only the check that every reduced chunk is
        // present is left
        final int image = 16;
        final int reduced = image + PageImages.bitmapBytes(4);
        RecordFiles.rewrite(file, 0, payload -> payload.putLong(image, payload.getLong(image) & ~1L | 1L << 3));
        RecordFiles.assertRefused(file, pageSize, false, "malformed page delta", 0);
        // a line index past the page's last line
        java.nio.file.Files.copy(pristine, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RecordFiles.rewrite(file, 0,
            payload -> payload.putShort(2 * Integer.BYTES, (short)ChangedLines.contentLines(pageSize)));
        RecordFiles.assertRefused(file, pageSize, false, "delta line out of range", 0);
        // more lines counted than the record has room for
        java.nio.file.Files.copy(pristine, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RecordFiles.rewrite(file, 0, payload -> payload.putInt(0, 100));
        RecordFiles.assertRefused(file, pageSize, false, "malformed page delta", 0);
        assertEquals(1L, readLong(pristine, PageRecords.HEADER + reduced), "chunk 0 of the image is reduced");
    }

    @Test
    void aBitmapThatDisagreesWithTheRecordIsRefused() throws IOException
    {
        final int pageSize = 4096;
        final byte[] page = new byte[ChangedLines.layoutSize(pageSize)];
        page[100] = 1;
        final Path file = dir.resolve("pages");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            final PageRecords.Writer out = new PageRecords.Writer(channel, pageSize);
            out.full(pageBuffer(page, pageSize));
            out.close();
        }
        final Path pristine = dir.resolve("pristine");
        java.nio.file.Files.copy(file, pristine);
        // one more chunk marked present, the record's checksum made to match: only the length check is left
        RecordFiles.rewrite(file, 0, bitmap -> bitmap.putLong(0, bitmap.getLong(0) | 1L));
        assertMalformed(file, pageSize);
        // the present chunk (100 / 32 = 3) moved to a bit past the page's 126 chunks: the count still
        // matches the length, so only the check of the spare bits is left
        java.nio.file.Files.copy(pristine, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RecordFiles.rewrite(file, 0, bitmap ->
        {
            bitmap.putLong(0, bitmap.getLong(0) & ~(1L << 3));
            bitmap.putLong(8, bitmap.getLong(8) | 1L << 63);
        });
        assertMalformed(file, pageSize);
        // chunks 3 and 5 present, 5 and 6 reduced: the counts give 2 x 32 - 2 x 16 = 32 bytes, the record's
        // length, so only the check that every reduced chunk is present is left (6 is not)
        java.nio.file.Files.copy(pristine, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RecordFiles.rewrite(file, 0, bitmap ->
        {
            final int compact = PageImages.bitmapBytes(PageImages.chunks(ChangedLines.layoutSize(pageSize)));
            bitmap.putLong(compact, bitmap.getLong(compact) | 1L << 5 | 1L << 6);
            bitmap.putLong(0, bitmap.getLong(0) | 1L << 5);
        });
        assertMalformed(file, pageSize);
    }

    private static void assertMalformed(final Path file, final int pageSize) throws IOException
    {
        RecordFiles.assertRefused(file, pageSize, true, "malformed page image", 0);
    }

    private static long readLong(final Path file, final int at) throws IOException
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(java.nio.file.Files.readAllBytes(file));
        return bytes.getLong(at);
    }

    private static UnsafeBuffer pageBuffer(final byte[] layout, final int pageSize)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
        buffer.putBytes(0, layout);
        // the change map after the layout is not part of the image
        buffer.setMemory(layout.length, pageSize - layout.length, ChangedLines.CHANGED);
        return buffer;
    }
}
