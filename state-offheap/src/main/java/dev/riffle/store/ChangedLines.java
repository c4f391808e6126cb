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
 * address: no lookup and no load. It costs 1/64 of the page, and a write one more cache line (with
 * 4 KiB pages for the mapping, on another page than most entries, so often a TLB miss too): about a
 * third of an overwrite of a long at random. A dense map outside the pages, or a bitmap, measured no
 * better (docs/benchmarks.md, "the change-map mark").
 * <p>
 * <b>Values only, or more.</b> Most changes overwrite the value of an entry inline in its cell with one
 * of the same length — a counter's increment, a fixed-size value's update — and a delta can carry just
 * those values, because whoever applies it already has the line's cells as they were
 * ({@link ValueLines}). Every other change — an entry inserted, removed or resized, a page rebuilt, a
 * value in the page's heap overwritten — also marks the page's first line, its header, which no value
 * lives in (a {@link LongPage}, whose lines ValueLines cannot read, keeps a mark of its own: {@link #clear}):
 * a page whose header line is unmarked changed in its inline values alone, in every line its map marks
 * ({@link #valuesOnly}). The distinction is per page, not per line, so that every mark stays a
 * plain store: a kind per line would need a load before each store, so as not to downgrade an earlier
 * mark of the other kind (an increment at random went from 1.44× to 1.51× of {@code Long2LongHashMap}
 * with it, docs/benchmarks.md). Every mark stores {@link #CHANGED}.
 * <p>
 * <b>Who writes.</b> The writer marks a line after changing it; a rebuilt or new page has every line
 * marked. The thread that captures the page for a snapshot (see {@link PageCaptures}: the writer before
 * its first change, or the snapshot thread) copies the page with its map and clears the map in the live
 * page, while it holds the capture: the writer does not touch the page in between, and its next change
 * follows its acquire of the released capture, so it marks a cleared map.
 */
final class ChangedLines
{
    static final int LINE_SHIFT = 6;
    static final int LINE_SIZE = 1 << LINE_SHIFT;
    private static final int SHORT_RUN_LINES = 4;
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
     * Marks the line of one address of a page.
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
     * Marks that the value of the inline entry of the cell at {@code cell} was overwritten in place by one
     * of the same length: nothing else of the cell changed. Only for inline entries (a value in the page's
     * heap is marked with {@link #mark(long, int, long)} and {@link #markHeader}), whose cells never
     * straddle two lines.
     *
     * @param pageAddress address of the page.
     * @param layoutSize  {@link #layoutSize} of the store's pages.
     * @param cell        address of the cell.
     */
    static void markValue(final long pageAddress, final int layoutSize, final long cell)
    {
        mark(pageAddress, layoutSize, cell);
    }

    /**
     * Marks the page's header line: the page changed other than in its inline values.
     */
    static void markHeader(final long pageAddress, final int layoutSize)
    {
        UnsafeApi.putByte(pageAddress + layoutSize, CHANGED);
    }

    /**
     * @return offset in a page of the map byte that says its changes are never {@link ValueLines}: the
     * byte right after the content lines' bytes, which names no line of the page.
     */
    private static int notValueLines(final int layoutSize)
    {
        return layoutSize + (layoutSize >>> LINE_SHIFT);
    }

    /**
     * @return whether the page at {@code base} of {@code page} (a live page, or a copy at 0) changed in its
     * inline values alone, since its map was cleared: neither its header line nor the byte of a page
     * whose changes are never value lines ({@link #clear}) is marked.
     */
    static boolean valuesOnly(final UnsafeBuffer page, final int base, final int pageSize)
    {
        final int layout = layoutSize(pageSize);
        return 0 == page.getByte(base + layout) && 0 == page.getByte(base + notValueLines(layout));
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
     * <p>
     * A {@link LongPage}'s map keeps a mark that its changes are never value lines ({@link ValueLines}
     * reads {@link BucketPage} cells), so that a delta carries its changed lines whole: set here, and by
     * {@link #markAll} for a new page, it costs a change of a value in place nothing — not the header
     * line's mark either, which while the page is captured by the line ({@link LineCopies}) would mean
     * the header line was preserved. (A restored page's map is clear until its first capture; the
     * snapshots until then save it whole.)
     */
    static void clear(final UnsafeBuffer buffer, final int base, final int pageSize)
    {
        final int layout = layoutSize(pageSize);
        buffer.setMemory(base + layout, mapBytes(pageSize), (byte)0);
        if (LongPage.FORMAT_LONG == buffer.getInt(base + LongPage.FORMAT))
        {
            buffer.putByte(base + notValueLines(layout), CHANGED);
        }
    }

    /**
     * @return how many content lines the map of the page at {@code base} marks (a live page, or a copy
     * at 0). Map bytes are 0 or {@link #CHANGED} (1), so eight of them are counted with one bit count.
     */
    static int count(final UnsafeBuffer page, final int base, final int pageSize)
    {
        final int lines = contentLines(pageSize);
        final int map = base + layoutSize(pageSize);
        page.boundsCheck(map, lines);
        final byte[] array = page.byteArray();
        final long address = page.addressOffset() + map;
        int changed = 0;
        int line = 0;
        for (; line + Long.BYTES <= lines; line += Long.BYTES)
        {
            changed += Long.bitCount(UnsafeApi.getLong(array, address + line));
        }
        for (; line < lines; line++)
        {
            changed += UnsafeApi.getByte(array, address + line);
        }
        return changed;
    }

    /**
     * For loops over a map byte by byte: whether {@code line} starts eight unmarked lines, all content
     * lines, which the loop may then skip with one load. A page with a few changes is mostly such runs;
     * a page whose every counter changed has few, and pays one check per line for them.
     *
     * @param array   the map's array, or null if {@code address} is a native address.
     * @param address address of the map's first byte (an offset into {@code array} if not null), whose
     *                {@code lines} bytes the caller has bounds-checked.
     */
    static boolean eightUnmarked(final byte[] array, final long address, final int line, final int lines)
    {
        return 0 == (line & 7) && line + Long.BYTES <= lines && 0 == UnsafeApi.getLong(array, address + line);
    }

    /**
     * @param page     a live page or a copy.
     * @param map      offset of its map in {@code page}; the caller has checked {@code [map, map + lines)}.
     * @param line     where to start looking.
     * @param lines    content lines of the page.
     * @return the first changed line at or after {@code line}, or {@code lines} if there is none; eight
     * unchanged lines are skipped with one load.
     */
    static int nextChanged(final UnsafeBuffer page, final int map, final int line, final int lines)
    {
        final byte[] array = page.byteArray();
        final long address = page.addressOffset() + map;
        int i = line;
        while (i < lines)
        {
            if (eightUnmarked(array, address, i, lines))
            {
                i += Long.BYTES;
            }
            else if (0 != UnsafeApi.getByte(array, address + i))
            {
                return i;
            }
            else
            {
                i++;
            }
        }
        return lines;
    }

    /**
     * @return the end (exclusive) of the run of changed lines that starts at changed line {@code line}.
     */
    static int runEnd(final UnsafeBuffer page, final int map, final int line, final int lines)
    {
        final byte[] array = page.byteArray();
        final long address = page.addressOffset() + map;
        int end = line + 1;
        while (end < lines && 0 != UnsafeApi.getByte(array, address + end))
        {
            end++;
        }
        return end;
    }

    /**
     * Copies a live page's map and the lines it marks into {@code copy} at the same offsets: all a delta
     * needs, without copying the whole page; runs of changed lines go in one copy each. By the thread
     * holding the page's capture.
     */
    static void copyChanged(final UnsafeBuffer live, final int base, final UnsafeBuffer copy, final int pageSize)
    {
        final int layout = layoutSize(pageSize);
        final int lines = contentLines(pageSize);
        copy.putBytes(layout, live, base + layout, mapBytes(pageSize));
        int line = nextChanged(copy, layout, 0, lines);
        while (line < lines)
        {
            final int end = runEnd(copy, layout, line, lines);
            final int offset = line << LINE_SHIFT;
            copyLines(copy, offset, live, base + offset, end - line);
            line = nextChanged(copy, layout, end, lines);
        }
    }

    /**
     * Copies {@code count} whole lines. Changed lines mostly come alone (a counter update marks one), and
     * a 64-byte copy through {@code putBytes} is two bounds checks and a call into the VM's copy
     * routine for eight words: short runs are moved here word by word after one bounds check per
     * buffer, longer ones in one bulk copy.
     *
     * @throws IndexOutOfBoundsException if either range is outside its buffer.
     */
    private static void copyLines(final UnsafeBuffer dst, final int dstIndex, final UnsafeBuffer src,
        final int srcIndex, final int count)
    {
        final int length = count << LINE_SHIFT;
        if (count > SHORT_RUN_LINES)
        {
            dst.putBytes(dstIndex, src, srcIndex, length);
            return;
        }
        dst.boundsCheck(dstIndex, length);
        src.boundsCheck(srcIndex, length);
        final byte[] dstArray = dst.byteArray();
        final long dstAddress = dst.addressOffset() + dstIndex;
        final byte[] srcArray = src.byteArray();
        final long srcAddress = src.addressOffset() + srcIndex;
        for (int i = 0; i < length; i += Long.BYTES)
        {
            UnsafeApi.putLong(dstArray, dstAddress + i, UnsafeApi.getLong(srcArray, srcAddress + i));
        }
    }
}
