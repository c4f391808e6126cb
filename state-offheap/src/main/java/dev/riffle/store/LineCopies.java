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
 * <b>Buffer layout</b> (a {@link CopyPool} buffer): lines at their offsets in the page; the bytes of the
 * page's change map hold one <em>preserved</em> flag per line instead; the trailer the epoch the page's
 * map counts from; after it the page's change map as the snapshot started ({@link #MAP_COPY}), which
 * tells the snapshot thread the lines a delta needs.
 * <p>
 * <b>Memory ordering.</b> Writer, per line: copy the line into the buffer; release fence; set its flag;
 * store-store fence; change the live line. Snapshot thread, per line: read the live line; load-load
 * fence; read the flag; if set, acquire fence and take the buffer's line instead. If the snapshot
 * thread saw any byte the writer changed, the flag, stored before that change, is visible to its later
 * load: the live line was torn or new, and the buffer's copy (published by the flag) is used. If the
 * flag was clear, no change of the line preceded the read, so the live line is the snapshot's. The
 * same as a sequence lock, with the flag as the sequence, written once.
 * <p>
 * <b>Threading.</b> This object is the writer's: which pages it preserves lines of, and their buffers.
 * A buffer is shared with one snapshot's thread, which only reads it; the writer gives it back to the
 * pool once that snapshot is done.
 */
final class LineCopies
{
    private static final int LONGS_PER_LINE = ChangedLines.LINE_SIZE / Long.BYTES;

    private final int pageSize;
    private final int layoutSize;
    private final int contentLines;
    private UnsafeBuffer[] buffers = new UnsafeBuffer[0];
    private StoreSnapshot[] owners = new StoreSnapshot[0];

    LineCopies(final int pageSize)
    {
        this.pageSize = pageSize;
        this.layoutSize = ChangedLines.layoutSize(pageSize);
        this.contentLines = ChangedLines.contentLines(pageSize);
    }

    /**
     * @return offset in a line buffer of the copy of the page's change map as the snapshot started.
     */
    static int mapCopy(final int pageSize)
    {
        return pageSize + Long.BYTES;
    }

    /**
     * Prepares a pool buffer to take a page's lines for a snapshot: no line preserved yet, the page's
     * map copied, the epoch it counts from in the trailer. Changes nothing in the live page.
     */
    static void prepare(final UnsafeBuffer buffer, final UnsafeBuffer live, final int base, final int pageSize,
        final long since)
    {
        final int layout = ChangedLines.layoutSize(pageSize);
        final int mapBytes = ChangedLines.mapBytes(pageSize);
        buffer.setMemory(layout, mapBytes, (byte)0);
        buffer.putLong(pageSize, since);
        buffer.putBytes(mapCopy(pageSize), live, base + layout, mapBytes);
    }

    /**
     * @return the buffer the writer preserves the page's lines in, or null.
     */
    UnsafeBuffer buffer(final int page)
    {
        return page < buffers.length ? buffers[page] : null;
    }

    /**
     * @return the snapshot the page's buffer belongs to; after {@link #buffer} returned one.
     */
    StoreSnapshot owner(final int page)
    {
        return owners[page];
    }

    void attach(final int page, final UnsafeBuffer buffer, final StoreSnapshot owner)
    {
        if (page >= buffers.length)
        {
            final int length = Math.max(page + 1, buffers.length * 2);
            buffers = Arrays.copyOf(buffers, length);
            owners = Arrays.copyOf(owners, length);
        }
        buffers[page] = buffer;
        owners[page] = owner;
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
     * Preserves the line(s) of the 8 bytes at {@code address} before the writer changes them (an
     * unaligned long of a page's heap may straddle two lines).
     */
    void preserveLong(final UnsafeBuffer buffer, final long pageAddress, final long address)
    {
        preserveLine(buffer, pageAddress, (int)((address - pageAddress) >>> ChangedLines.LINE_SHIFT));
        preserveLine(buffer, pageAddress, (int)((address + Long.BYTES - 1 - pageAddress) >>> ChangedLines.LINE_SHIFT));
    }

    private void preserveLine(final UnsafeBuffer buffer, final long pageAddress, final int line)
    {
        final long flag = buffer.addressOffset() + layoutSize + line;
        if (0 != UnsafeApi.getByte(flag))
        {
            return;
        }
        final long from = pageAddress + ((long)line << ChangedLines.LINE_SHIFT);
        final long to = buffer.addressOffset() + ((long)line << ChangedLines.LINE_SHIFT);
        for (int i = 0; i < LONGS_PER_LINE; i++)
        {
            UnsafeApi.putLong(to + ((long)i << 3), UnsafeApi.getLong(from + ((long)i << 3)));
        }
        VarHandle.releaseFence();
        UnsafeApi.putByte(flag, (byte)1);
        VarHandle.storeStoreFence();
    }

    /**
     * Preserves every line not preserved yet, before a change the writer cannot express by the line
     * (an insert, a removal, a rebuild): afterwards the snapshot thread reads nothing of the live page.
     */
    void preserveAll(final UnsafeBuffer buffer, final long pageAddress)
    {
        final long flags = buffer.addressOffset() + layoutSize;
        for (int line = 0; line < contentLines; line++)
        {
            if (0 == UnsafeApi.getByte(flags + line))
            {
                UnsafeApi.copyMemory(pageAddress + ((long)line << ChangedLines.LINE_SHIFT),
                    buffer.addressOffset() + ((long)line << ChangedLines.LINE_SHIFT), ChangedLines.LINE_SIZE);
            }
        }
        VarHandle.releaseFence();
        UnsafeApi.setMemory(flags, contentLines, (byte)1);
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
        final long flags = buffer.addressOffset() + layoutSize;
        final long map = own.addressOffset() + layoutSize;
        final long pageAddress = live.addressOffset() + base;
        for (int line = 0; line < contentLines; line++)
        {
            if (onlyChanged && 0 == UnsafeApi.getByte(map + line))
            {
                continue;
            }
            final long offset = (long)line << ChangedLines.LINE_SHIFT;
            final long to = own.addressOffset() + offset;
            if (0 == UnsafeApi.getByte(flags + line))
            {
                if (null != interleaving)
                {
                    interleaving.accept(line);
                }
                final long from = pageAddress + offset;
                for (int i = 0; i < LONGS_PER_LINE; i++)
                {
                    UnsafeApi.putLong(to + ((long)i << 3), UnsafeApi.getLong(from + ((long)i << 3)));
                }
                VarHandle.loadLoadFence();
                if (0 == UnsafeApi.getByte(flags + line))
                {
                    continue;
                }
            }
            VarHandle.acquireFence();
            UnsafeApi.copyMemory(buffer.addressOffset() + offset, to, ChangedLines.LINE_SIZE);
        }
    }
}
