package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import static dev.riffle.store.RecordFiles.longCell;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Deltas of a page whose lines changed only in their inline values carry those values alone, and are
 * applied to the page their chain has rebuilt so far byte for byte: cells of every inline shape,
 * tombstones, empty cells and bytes that only look like cells; line lists as {@code short}s and as
 * bitmaps; values that do not add up to their lines refused; a page whose header line is marked goes out
 * with its lines whole.
 */
class ValueLinesTest
{
    private static final int PAGE_SIZE = 4096;
    private static final int LAYOUT = ChangedLines.layoutSize(PAGE_SIZE);
    private static final int STATE = 3;

    @TempDir
    Path dir;

    @Test
    void aDeltaOfAFewValueLinesCarriesTheirValuesAlone() throws IOException
    {
        // lines 1-4 as set up by page(), as shorts (no more than the 8-byte bitmap of a 4 KiB page's 63
        // lines)
        roundTrip(4, 8 + 8 + 8 + 12 + 20, 4 * Short.BYTES);
    }

    @Test
    void aDeltaOfManyValueLinesListsThemAsABitmap() throws IOException
    {
        // lines 1-5 (5 bytes of line 5 only look like a value, and go along unchanged), and 6-13 with two
        // long cells each: 13 lines take more as shorts than as the 8-byte bitmap
        final int bitmap = PageImages.bitmapBytes(ChangedLines.contentLines(PAGE_SIZE));
        roundTrip(13, 8 + 8 + 8 + 12 + 20 + 5 + 8 * 16, bitmap);
    }

    @Test
    void valuesThatDoNotAddUpToTheirLinesAreRefused() throws IOException
    {
        final Path file = dir.resolve("pages");
        final long delta = write(file, page(), valuesChanged(4), 4);
        final Path pristine = Files.copy(file, dir.resolve("pristine"));
        // payload: 0 whole lines, 4 value lines, their shorts at 8; an image of no chunks at 16
        // line 4 (a 20-byte value) named as line 30 (empty cells): 20 bytes of values too many
        RecordFiles.rewrite(file, delta, payload -> payload.putShort(8 + 3 * Short.BYTES, (short)30));
        RecordFiles.assertRefused(file, PAGE_SIZE, true, "malformed page delta", 0, delta);
        // line 1 named as line 2: the lines' values are 8 bytes short
        Files.copy(pristine, file, StandardCopyOption.REPLACE_EXISTING);
        RecordFiles.rewrite(file, delta, payload -> payload.putShort(8, (short)2));
        RecordFiles.assertRefused(file, PAGE_SIZE, true, "malformed page delta", 0, delta);
        // a value line past the page's last
        Files.copy(pristine, file, StandardCopyOption.REPLACE_EXISTING);
        RecordFiles.rewrite(file, delta,
            payload -> payload.putShort(8, (short)ChangedLines.contentLines(PAGE_SIZE)));
        RecordFiles.assertRefused(file, PAGE_SIZE, true, "delta line out of range", 0, delta);
        // more value lines counted than the page has
        Files.copy(pristine, file, StandardCopyOption.REPLACE_EXISTING);
        RecordFiles.rewrite(file, delta, payload -> payload.putInt(Integer.BYTES, 64));
        RecordFiles.assertRefused(file, PAGE_SIZE, true, "malformed page delta", 0, delta);
    }

    @Test
    void aBitmapOfValueLinesThatDisagreesWithItsCountIsRefused() throws IOException
    {
        final Path file = dir.resolve("pages");
        final long delta = write(file, page(), valuesChanged(13), 13);
        final Path pristine = Files.copy(file, dir.resolve("pristine"));
        // the bitmap at 8 (no whole lines): one more bit than counted
        RecordFiles.rewrite(file, delta, payload -> payload.putLong(8, payload.getLong(8) | 1L << 40));
        RecordFiles.assertRefused(file, PAGE_SIZE, true, "delta line out of range", 0, delta);
        // a bit past the page's 63 content lines instead of line 13's
        Files.copy(pristine, file, StandardCopyOption.REPLACE_EXISTING);
        RecordFiles.rewrite(file, delta, payload -> payload.putLong(8, payload.getLong(8) & ~(1L << 13) | 1L << 63));
        RecordFiles.assertRefused(file, PAGE_SIZE, true, "delta line out of range", 0, delta);
    }

    @Test
    void aPageChangedOtherThanInItsValuesGoesOutWithItsLinesWhole() throws IOException
    {
        final UnsafeBuffer after = valuesChanged(4);
        // heap bytes of line 20 changed: the writer marks the line and the page's header line
        after.putLong(20 * ChangedLines.LINE_SIZE + 8, 0x1234_5678_9ABCL);
        after.putByte(LAYOUT + 20, ChangedLines.CHANGED);
        after.putByte(LAYOUT, ChangedLines.CHANGED);
        final Path file = dir.resolve("pages");
        final long delta = write(file, page(), after, 6);
        final UnsafeBuffer record = new UnsafeBuffer(Files.readAllBytes(file));
        assertEquals(6, record.getInt((int)delta + PageRecords.HEADER), "whole lines");
        assertEquals(0, record.getInt((int)delta + PageRecords.HEADER + Integer.BYTES), "value lines");
        assertReadBack(file, delta, after);
    }

    /**
     * Writes a full image of the page, changes the values of lines 1 to {@code lines}, writes the delta,
     * and reads both back over a page of other bytes.
     */
    private void roundTrip(final int lines, final int valueBytes, final int list) throws IOException
    {
        final UnsafeBuffer after = valuesChanged(lines);
        final Path file = dir.resolve("pages");
        final long delta = write(file, page(), after, lines);
        // counts, the value line list padded to 8, an image of no chunks (its 8-byte state), the values
        final int imageAt = align8(2 * Integer.BYTES + list);
        assertEquals(PageRecords.HEADER + imageAt + PageImages.imageBytes(0, 0, 0) + valueBytes,
            Files.size(file) - delta, "delta record");
        assertReadBack(file, delta, after);
    }

    private static void assertReadBack(final Path file, final long delta, final UnsafeBuffer expected)
        throws IOException
    {
        final UnsafeBuffer target = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
        target.setMemory(0, PAGE_SIZE, (byte)0xEE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final PageRecords.Reader reader = new PageRecords.Reader(PAGE_SIZE);
            reader.apply(channel, file, 0, true, target, 0);
            reader.apply(channel, file, delta, false, target, 0);
        }
        for (int i = 0; i < LAYOUT; i++)
        {
            assertEquals(expected.getByte(i), target.getByte(i), "byte " + i);
        }
    }

    /**
     * @return the file offset of the delta, written after a full image of {@code before}.
     */
    private static long write(final Path file, final UnsafeBuffer before, final UnsafeBuffer after, final int lines)
        throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE))
        {
            final PageRecords.Writer out = new PageRecords.Writer(channel, PAGE_SIZE);
            out.full(before);
            final long delta = out.delta(after, lines);
            out.close();
            return delta;
        }
    }

    /**
     * A page's layout: line 1 two long cells; line 2 a String key of 11 bytes with a long value and a
     * tombstone; line 3 a 4-byte key with a 12-byte value and an empty cell; line 4 a 20-byte value under
     * an empty key and heap bytes whose lengths are not an inline entry's; line 5 heap bytes that look like
     * an inline cell of a 3-byte key and a 5-byte value, and zeros; lines 6-13 two long cells each; heap
     * bytes in line 20.
     */
    private static UnsafeBuffer page()
    {
        final UnsafeBuffer page = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
        longCell(page, 2, STATE, 10, 100);
        longCell(page, 3, STATE, 11, 101);
        cell(page, 4, 0x1111L, 11, 8);
        page.putStringWithoutLengthAscii(4 * 32 + BucketPage.CELL_PAYLOAD, "user-123456");
        page.putLong(5 * 32, BucketPage.TOMBSTONE);
        cell(page, 6, 0x2222L, 4, 12);
        cell(page, 8, 0x3333L, 0, 20);
        page.putLong(9 * 32, 0x4444L);
        page.putInt(9 * 32 + BucketPage.CELL_LENGTHS, 12 | 12 << 16);
        page.putLong(10 * 32, 0x5555L);
        page.putLong(10 * 32 + 8, 0x0102_0304_0506_0708L);
        page.putInt(10 * 32 + BucketPage.CELL_LENGTHS, 3 | 5 << 16);
        for (int cell = 12; cell < 28; cell++)
        {
            longCell(page, cell, STATE, cell * 1_000L, cell);
        }
        page.putLong(20 * ChangedLines.LINE_SIZE, 0x6666L);
        return page;
    }

    private static void cell(final UnsafeBuffer page, final int cell, final long tag, final int keyLength,
        final int valueLength)
    {
        page.putLong(cell * 32, tag);
        page.putInt(cell * 32 + BucketPage.CELL_LENGTHS, keyLength | valueLength << 16);
    }

    /**
     * @return {@link #page()} with the values of lines 1 to {@code last} changed and those lines marked.
     */
    private static UnsafeBuffer valuesChanged(final int last)
    {
        final UnsafeBuffer page = changedValues(page(), last);
        for (int line = 1; line <= last; line++)
        {
            page.putByte(LAYOUT + line, ChangedLines.CHANGED);
        }
        return page;
    }

    /**
     * Sets every byte of the inline values of lines 1 to {@code last} to a new value (the bytes that only
     * look like a value stay, as they would in a page: they are not one).
     */
    private static UnsafeBuffer changedValues(final UnsafeBuffer page, final int last)
    {
        for (int line = 1; line <= last; line++)
        {
            for (int chunk = 2 * line; chunk < 2 * line + 2; chunk++)
            {
                final int value = ValueLines.valueOf(page.byteArray(), page.addressOffset() + chunk * 32L);
                if (chunk != 10 && 0 != value)
                {
                    page.setMemory(chunk * 32 + (value >>> 8), value & 0xFF, (byte)(0x40 + chunk));
                }
            }
        }
        return page;
    }

    private static int align8(final int length)
    {
        return (length + 7) & ~7;
    }
}
