package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The line-capture protocol of {@link LineCopies} on one page, with the writer run inside the snapshot
 * thread's window (after it found a line not preserved, before it reads the live line) on the same
 * thread: whatever the writer does there, the assembled page is the page as it was.
 */
class LineCopiesTest
{
    private static final int PAGE_SIZE = 4096;
    private static final int LAYOUT = ChangedLines.layoutSize(PAGE_SIZE);
    private static final int LINES = ChangedLines.contentLines(PAGE_SIZE);

    private final UnsafeBuffer live = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
    private final UnsafeBuffer buffer = CopyPool.allocate(PAGE_SIZE);
    private final UnsafeBuffer own = CopyPool.allocate(PAGE_SIZE);
    private final LineCopies lineCopies = new LineCopies(PAGE_SIZE);

    LineCopiesTest()
    {
        for (int i = 0; i < LAYOUT; i++)
        {
            live.putByte(i, (byte)(i * 31 + 7));
        }
    }

    @Test
    void aLinePreservedAndChangedWhileTheSnapshotThreadReadsIsTakenFromTheBuffer()
    {
        startLineCapture();
        final long address = live.addressOffset();

        assemble(line ->
        {
            if (line == 5)
            {
                lineCopies.preserveBytes(0, buffer, address, address + 5 * 64 + 8, Long.BYTES);
                live.putLong(5 * 64 + 8, -1L);
            }
        });

        assertAssembledIsTheOriginal();
    }

    @Test
    void aValueSpanningLinesOverwrittenWhileTheSnapshotThreadReadsIsTakenFromTheBuffer()
    {
        startLineCapture();
        final long address = live.addressOffset();
        // 160 bytes from the middle of line 6 into the start of line 9: four lines, the snapshot thread
        // about to read the third
        final int offset = 6 * 64 + 40;
        final int length = 160;

        assemble(line ->
        {
            if (line == 8)
            {
                lineCopies.preserveBytes(0, buffer, address, address + offset, length);
                live.setMemory(offset, length, (byte)0x33);
            }
        });

        assertAssembledIsTheOriginal();
        for (int line = 6; line <= 9; line++)
        {
            assertEquals(ChangedLines.CHANGED, live.getByte(LAYOUT + line), "line " + line + " marked preserved");
        }
        assertEquals(0, live.getByte(LAYOUT + 5), "line 5 untouched");
        assertEquals(0, live.getByte(LAYOUT + 10), "line 10 untouched");
    }

    @Test
    void aPageCompletedAndRewrittenWhileTheSnapshotThreadReadsIsTakenFromTheBuffer()
    {
        startLineCapture();
        final long address = live.addressOffset();
        lineCopies.preserveBytes(0, buffer, address, address + 2 * 64, Long.BYTES);
        live.putLong(2 * 64, 42L);

        assemble(line ->
        {
            if (line == 9)
            {
                // a change not by the line (a rebuild): every line preserved first, then rewritten
                // without marking the map until afterwards
                lineCopies.preserveAll(buffer, address);
                live.setMemory(0, LAYOUT, (byte)0x5A);
            }
        });

        assertAssembledIsTheOriginal();
    }

    @Test
    void beforeTheLiveMapIsClearedItsOldMarksAreNotTakenForPreservedLines()
    {
        live.putByte(LAYOUT + 3, ChangedLines.CHANGED);
        LineCopies.prepare(buffer, live, 0, PAGE_SIZE, 0);
        buffer.setMemory(0, LAYOUT, (byte)0); // nothing preserved: a buffer line taken would read zeros

        assemble(line -> { });

        assertAssembledIsTheOriginal();
    }

    private void startLineCapture()
    {
        lineCopies.attach(0, buffer, null);
        LineCopies.prepare(buffer, live, 0, PAGE_SIZE, 0);
        ChangedLines.clear(live, 0, PAGE_SIZE);
        lineCopies.mapCleared(buffer);
    }

    private void assemble(final java.util.function.IntConsumer writer)
    {
        LineCopies.assemble(buffer, live, 0, own, PAGE_SIZE, false, writer);
    }

    private void assertAssembledIsTheOriginal()
    {
        for (int line = 0; line < LINES; line++)
        {
            for (int i = 0; i < 64; i += 8)
            {
                assertEquals(original(line * 64 + i), own.getLong(line * 64 + i), "line " + line + " byte " + i);
            }
        }
    }

    private static long original(final int offset)
    {
        long value = 0;
        for (int i = 7; i >= 0; i--)
        {
            value = value << 8 | ((offset + i) * 31 + 7) & 0xFF;
        }
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? value : Long.reverseBytes(value);
    }
}
