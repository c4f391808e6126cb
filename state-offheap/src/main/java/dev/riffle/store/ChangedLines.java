package dev.riffle.store;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Which 64-byte lines of a page changed since a snapshot last saved it: the map that lets a snapshot
 * write a page as a delta of its changed lines instead of all 64 KiB of it.
 * <p>
 * <b>Where.</b> The last {@code pageSize / 64} bytes of every page hold its map, one byte per line of
 * the page; the entries ({@link BucketPage}) use only the {@link #layoutSize} bytes before it. Keeping
 * the map inside the page means marking a change is one byte store at a fixed distance from the page's
 * address — no lookup, no load (a store miss does not stall the writer), and the same TLB entry as the
 * write it records. It costs 1/64 of the page.
 * <p>
 * <b>Who writes.</b> The writer marks a line after changing it (plain byte stores); a rebuilt or new
 * page has every line marked. The thread that captures the page for a snapshot (see
 * {@link PageCaptures}: the writer before its first change, or the snapshot thread) copies the page with
 * its map and clears the map in the live page, while it holds the capture: the writer does not touch the
 * page in between, and its next change follows its acquire of the released capture, so it marks a
 * cleared map.
 */
final class ChangedLines
{
    static final int LINE_SHIFT = 6;
    static final int LINE_SIZE = 1 << LINE_SHIFT;
    static final byte CHANGED = 1;

    private ChangedLines()
    {
    }

    /**
     * @return bytes of a page of {@code pageSize} the entries may use: all but the map.
     */
    static int layoutSize(final int pageSize)
    {
        return pageSize - mapBytes(pageSize);
    }

    /**
     * @return bytes of a page's map.
     */
    static int mapBytes(final int pageSize)
    {
        return pageSize >>> LINE_SHIFT;
    }

    /**
     * @return lines holding entries (the map's own lines excluded).
     */
    static int contentLines(final int pageSize)
    {
        return layoutSize(pageSize) >>> LINE_SHIFT;
    }

    /**
     * Marks the line of one address of a page; the long fast path.
     *
     * @param pageAddress address of the page.
     * @param layoutSize  {@link #layoutSize} of the store's pages.
     * @param address     an address in the page that was just written.
     */
    static void mark(final long pageAddress, final int layoutSize, final long address)
    {
        UnsafeApi.putByte(pageAddress + layoutSize + ((address - pageAddress) >>> LINE_SHIFT), CHANGED);
    }

    /**
     * Marks the lines of {@code [offset, offset + length)}, offsets absolute in {@code buffer}.
     */
    static void mark(final UnsafeBuffer buffer, final int base, final int layoutSize, final int offset,
        final int length)
    {
        final int first = (offset - base) >>> LINE_SHIFT;
        final int last = (offset - base + Math.max(length, 1) - 1) >>> LINE_SHIFT;
        for (int line = first; line <= last; line++)
        {
            buffer.putByte(base + layoutSize + line, CHANGED);
        }
    }

    /**
     * Marks every line: the page was rebuilt or is new.
     */
    static void markAll(final UnsafeBuffer buffer, final int base, final int pageSize)
    {
        buffer.setMemory(base + layoutSize(pageSize), mapBytes(pageSize), CHANGED);
    }

    /**
     * Clears the map of a live page; only by the thread holding the page's capture.
     */
    static void clear(final UnsafeBuffer buffer, final int base, final int pageSize)
    {
        buffer.setMemory(base + layoutSize(pageSize), mapBytes(pageSize), (byte)0);
    }

    /**
     * @return how many content lines the map of the page at {@code base} marks (a live page, or a copy
     * at 0).
     */
    static int count(final UnsafeBuffer copy, final int base, final int pageSize)
    {
        final int layout = base + layoutSize(pageSize);
        final int lines = contentLines(pageSize);
        int changed = 0;
        int line = 0;
        for (; line + Long.BYTES <= lines; line += Long.BYTES)
        {
            final long eight = copy.getLong(layout + line);
            if (0 != eight)
            {
                for (int b = 0; b < Long.BYTES; b++)
                {
                    changed += (copy.getByte(layout + line + b) != 0) ? 1 : 0;
                }
            }
        }
        for (; line < lines; line++)
        {
            changed += (copy.getByte(layout + line) != 0) ? 1 : 0;
        }
        return changed;
    }

    static boolean isChanged(final UnsafeBuffer copy, final int pageSize, final int line)
    {
        return copy.getByte(layoutSize(pageSize) + line) != 0;
    }

    /**
     * Copies a live page's map and the lines it marks into {@code copy} at the same offsets: all a delta
     * needs, without copying the whole page. By the thread holding the page's capture.
     */
    static void copyChanged(final UnsafeBuffer live, final int base, final UnsafeBuffer copy, final int pageSize)
    {
        final int layout = layoutSize(pageSize);
        copy.putBytes(layout, live, base + layout, mapBytes(pageSize));
        final int lines = contentLines(pageSize);
        for (int line = 0; line < lines; line++)
        {
            if (copy.getByte(layout + line) != 0)
            {
                final int offset = line << LINE_SHIFT;
                copy.putBytes(offset, live, base + offset, LINE_SIZE);
            }
        }
    }
}
