package dev.riffle.store;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Copy-on-write by the line: instead of copying a whole page before its first in-place update after a
 * snapshot started (~20 µs for 64 KiB, a burst of them right after every checkpoint barrier, in which
 * the task thread falls behind its input), the writer keeps, per page, a buffer of the 64-byte lines it
 * is about to overwrite, each copied once, just before its first change: a line it has just found its
 * key in, so already in its cache. The snapshot thread then takes every line of the page from the
 * buffer if it is there, else from the live page ({@link StoreSnapshot#capture}).
 * <p>
 * <b>Which lines are preserved.</b> When the writer takes a page into line mode it clears the page's
 * change map ({@link ChangedLines}), as any capture does; from then on it sets a line's map byte before
 * it changes the line, right after preserving it. So while the page is in line mode a set map byte
 * means "preserved": the check costs the writer one load of a byte it is about to store anyway.
 * <p>
 * <b>Buffer layout</b> (a {@link CopyPool} buffer): lines at their offsets in the page; at
 * {@code pageSize} the epoch the page's map counted from; at {@link #mapCopy} the page's change map as
 * the snapshot started, which tells the snapshot thread the lines a delta needs; at {@link #stateOf}
 * the buffer's state: {@link #MAP_NOT_CLEARED} (the capture is published but the live map still holds
 * the old marks), {@link #MAP_CLEARED} (a set map byte means preserved), {@link #COMPLETE} (every line
 * is in the buffer: the writer is about to change the page in ways other than by the line); at
 * {@link #assembledOf} whether the snapshot thread has assembled the page (it reads neither the page
 * nor the buffer again, so the writer may stop preserving lines: {@link #assembled}).
 * <p>
 * <b>Memory ordering.</b> Writer: publish the capture (CAS), clear the live map, state
 * {@code MAP_CLEARED} (release), store-store fence; per line: copy the line into the buffer, release
 * fence, set its map byte, store-store fence, change the line; to complete: copy every line not
 * preserved, state {@code COMPLETE} (release), store-store fence. Snapshot thread, per line: read the
 * state (acquire), if complete take the buffer's line; else read the live line, load-load fence, read
 * the state again: complete — the buffer's line; not cleared — the live line (the writer changes no line
 * before the state says cleared, and a read that saw a change would see the state stored before it);
 * cleared — read the line's map byte (acquire): set, the buffer's line (the writer may have changed the
 * live one while it was read), clear, the live line (a change is preceded by the byte, so a read that
 * saw one would see the byte set). A sequence lock, with sequences written once per line. Once the
 * page is assembled the snapshot thread stores {@code assembled} (release, after its last read of the
 * page and the buffer); the writer, reading it (acquire) before a change, changes the page without
 * preserving anything more: the release orders the snapshot thread's reads before the store, the
 * acquire orders the writer's changes after the load, so no read of the assembly sees them.
 * <p>
 * <b>Threading.</b> This object is the writer's: which pages it preserves lines of, and their buffers.
 * A buffer is shared with one snapshot's thread, which only reads it; the writer gives it back to the
 * pool once that snapshot is done.
 */
final class LineCopies
{
    private static final int LONGS_PER_LINE = ChangedLines.LINE_SIZE / Long.BYTES;
    static final long MAP_NOT_CLEARED = 0;
    static final long MAP_CLEARED = 1;
    static final long COMPLETE = 2;

    private final int pageSize;
    private final int layoutSize;
    private final int contentLines;
    /**
     * Lines a page may have preserved one by one before the rest are copied at once: a line costs
     * ~0.1–0.4 µs (its copy's destination is not in the cache), a whole 64 KiB page ~20 µs in one
     * sequential copy, so a page most of whose lines change while the snapshot is written (a job
     * updating every key several times per checkpoint interval) stops at 1/32 of its lines and costs
     * at most ~1.6 page copies; a page with a few changes costs a few lines.
     */
    private final int lineLimit;
    private UnsafeBuffer[] buffers = new UnsafeBuffer[0];
    private StoreSnapshot[] owners = new StoreSnapshot[0];
    private int[] preservedLines = new int[0];

    LineCopies(final int pageSize)
    {
        this.pageSize = pageSize;
        this.layoutSize = ChangedLines.layoutSize(pageSize);
        this.contentLines = ChangedLines.contentLines(pageSize);
        this.lineLimit = Math.max(4, contentLines >> 5);
    }

    /**
     * @return offset in a line buffer of the copy of the page's change map as the snapshot started.
     */
    static int mapCopy(final int pageSize)
    {
        return pageSize + Long.BYTES;
    }

    /**
     * @return offset in a line buffer of its state ({@link #MAP_CLEARED} …).
     */
    static int stateOf(final int pageSize)
    {
        return mapCopy(pageSize) + ChangedLines.mapBytes(pageSize);
    }

    /**
     * @return bytes of a line buffer (of any {@link CopyPool} buffer).
     */
    static int bufferSize(final int pageSize)
    {
        return assembledOf(pageSize) + Long.BYTES;
    }

    /**
     * @return offset in a line buffer of the word the snapshot thread sets once it has assembled the page.
     */
    static int assembledOf(final int pageSize)
    {
        return stateOf(pageSize) + Long.BYTES;
    }

    /**
     * Snapshot thread, after its last read of the page and of its line buffer ({@link #assemble}).
     */
    static void markAssembled(final UnsafeBuffer buffer, final int pageSize)
    {
        buffer.putLongRelease(assembledOf(pageSize), 1L);
    }

    /**
     * Writer, before it changes a page in line mode.
     *
     * @return whether the snapshot thread has assembled the page: its lines need no preserving any more.
     */
    boolean assembled(final int page)
    {
        return 0L != buffers[page].getLongAcquire(assembledOf(pageSize));
    }

    /**
     * Prepares a pool buffer to take a page's lines for a snapshot: the page's map copied, the epoch it
     * counts from in the trailer, the live map not cleared yet. Changes nothing in the live page; the
     * capture's CAS publishes it.
     */
    static void prepare(final UnsafeBuffer buffer, final UnsafeBuffer live, final int base, final int pageSize,
        final long since)
    {
        final int layout = ChangedLines.layoutSize(pageSize);
        buffer.putLong(pageSize, since);
        buffer.putBytes(mapCopy(pageSize), live, base + layout, ChangedLines.mapBytes(pageSize));
        buffer.putLong(stateOf(pageSize), MAP_NOT_CLEARED);
        buffer.putLong(assembledOf(pageSize), 0L);
    }

    /**
     * Writer, after its capture CAS won and it cleared the live map: from now a set map byte means the
     * line is preserved, and lines may change.
     */
    void mapCleared(final UnsafeBuffer buffer)
    {
        buffer.putLongRelease(stateOf(pageSize), MAP_CLEARED);
        VarHandle.storeStoreFence();
    }

    /**
     * @return the buffer the writer preserves the page's lines in, or null.
     */
    UnsafeBuffer buffer(final int page)
    {
        return page < buffers.length ? buffers[page] : null;
    }

    void attach(final int page, final UnsafeBuffer buffer, final StoreSnapshot owner)
    {
        if (page >= buffers.length)
        {
            final int length = Math.max(page + 1, buffers.length * 2);
            buffers = Arrays.copyOf(buffers, length);
            owners = Arrays.copyOf(owners, length);
            preservedLines = Arrays.copyOf(preservedLines, length);
        }
        buffers[page] = buffer;
        owners[page] = owner;
        preservedLines[page] = 0;
    }

    /**
     * Detaches a page's buffer; it goes back to the pool if its snapshot is done (the snapshot thread
     * reads it no more), else it is left to the garbage collector (a snapshot still written when the
     * next one started: rare).
     */
    void detach(final int page, final CopyPool pool)
    {
        final UnsafeBuffer buffer = buffers[page];
        if (owners[page].isDone())
        {
            pool.give(buffer);
        }
        buffers[page] = null;
        owners[page] = null;
    }

    /**
     * Preserves the line(s) of the {@code length} bytes at {@code address} of {@code page} before the
     * writer changes them in place (a long of a page's heap may straddle two lines; a fixed-size value
     * spans as many as it covers).
     *
     * @param length bytes about to change, at least 1.
     * @return true if the page has now had more lines preserved one by one than it is worth: the caller
     * then preserves the rest at once ({@link #preserveAll}) and ends the page's line mode.
     */
    boolean preserveBytes(final int page, final UnsafeBuffer buffer, final long pageAddress, final long address,
        final int length)
    {
        final int first = (int)((address - pageAddress) >>> ChangedLines.LINE_SHIFT);
        final int last = (int)((address + length - 1 - pageAddress) >>> ChangedLines.LINE_SHIFT);
        int copied = 0;
        for (int line = first; line <= last; line++)
        {
            copied += preserveLine(buffer, pageAddress, line);
        }
        return (preservedLines[page] += copied) > lineLimit;
    }

    /**
     * @return lines copied: 0 or 1.
     */
    private int preserveLine(final UnsafeBuffer buffer, final long pageAddress, final int line)
    {
        final long mapByte = pageAddress + layoutSize + line;
        if (0 != UnsafeApi.getByte(mapByte))
        {
            return 0;
        }
        copyLine(pageAddress + ((long)line << ChangedLines.LINE_SHIFT),
            buffer.addressOffset() + ((long)line << ChangedLines.LINE_SHIFT));
        VarHandle.releaseFence();
        UnsafeApi.putByte(mapByte, ChangedLines.CHANGED);
        VarHandle.storeStoreFence();
        return 1;
    }

    /**
     * Preserves every line not preserved yet, before a change the writer cannot express by the line
     * (an insert, a removal, a rebuild): afterwards the snapshot thread reads nothing of the live page.
     */
    void preserveAll(final UnsafeBuffer buffer, final long pageAddress)
    {
        final long map = pageAddress + layoutSize;
        for (int line = 0; line < contentLines; line++)
        {
            if (0 == UnsafeApi.getByte(map + line))
            {
                copyLine(pageAddress + ((long)line << ChangedLines.LINE_SHIFT),
                    buffer.addressOffset() + ((long)line << ChangedLines.LINE_SHIFT));
            }
        }
        buffer.putLongRelease(stateOf(pageSize), COMPLETE);
        VarHandle.storeStoreFence();
    }

    /**
     * Snapshot thread: assembles the page as of the snapshot into {@code own} — the lines {@code lines}
     * says (all content lines, or those its map marks) — from the live page and the writer's buffer.
     *
     * @param buffer      the writer's line buffer of the page.
     * @param live        the page's segment buffer.
     * @param base        the page's offset in it.
     * @param own         the snapshot thread's copy; its map already holds the map the lines are chosen by.
     * @param pageSize    the store's page size.
     * @param onlyChanged copy only the lines {@code own}'s map marks.
     * @param interleaving test hook run after a line was found not preserved, before the live line is
     *                     read (the writer may preserve and change it there), or null.
     */
    static void assemble(final UnsafeBuffer buffer, final UnsafeBuffer live, final int base, final UnsafeBuffer own,
        final int pageSize, final boolean onlyChanged, final java.util.function.IntConsumer interleaving)
    {
        final int layoutSize = ChangedLines.layoutSize(pageSize);
        final int contentLines = ChangedLines.contentLines(pageSize);
        final int state = stateOf(pageSize);
        final long map = own.addressOffset() + layoutSize;
        final long pageAddress = live.addressOffset() + base;
        final long liveMap = pageAddress + layoutSize;
        for (int line = 0; line < contentLines; line++)
        {
            if (onlyChanged && 0 == UnsafeApi.getByte(map + line))
            {
                continue;
            }
            final long offset = (long)line << ChangedLines.LINE_SHIFT;
            final long to = own.addressOffset() + offset;
            if (buffer.getLongAcquire(state) != COMPLETE)
            {
                if (null != interleaving)
                {
                    interleaving.accept(line);
                }
                copyLine(pageAddress + offset, to);
                VarHandle.loadLoadFence();
                final long after = buffer.getLongAcquire(state);
                if (after == MAP_NOT_CLEARED || (after == MAP_CLEARED && 0 == UnsafeApi.getByte(liveMap + line)))
                {
                    continue;
                }
                VarHandle.acquireFence();
            }
            copyLine(buffer.addressOffset() + offset, to);
        }
    }

    /**
     * Copies one 64-byte line word by word: a call into the VM's copy routine costs more than the eight
     * moves.
     */
    private static void copyLine(final long from, final long to)
    {
        for (int i = 0; i < LONGS_PER_LINE; i++)
        {
            UnsafeApi.putLong(to + ((long)i << 3), UnsafeApi.getLong(from + ((long)i << 3)));
        }
    }
}
