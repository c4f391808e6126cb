package dev.riffle.store;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Layout of one bucket page of a key group's extendible hash table, as static operations over a buffer
 * and the page's base offset (a flyweight: no object per page). Only the owning writer thread calls
 * the mutating methods; a snapshot thread only copies whole pages.
 * <pre>
 *  0  int  localDepth   hash bits this page is responsible for
 *  4  int  live         live entries
 *  8  int  cellCount    C, fixed between rebuilds (any value &gt;= 2, chosen per page)
 * 12  int  tombstones   deleted cells
 * 16  int  heapTop      lowest byte of the entry heap, which grows down from the page end
 * 20  int  garbage      dead heap bytes
 * 64  cells[C], 32 bytes each (two per cache line), open addressing with linear probing:
 *       0  long tag      (stateId + 1) &lt;&lt; 32 | h(k, n) as unsigned; 0 = empty, -1 = tombstone
 *       8  20 bytes      key then value, inline, when keyLength + valueLength &lt;= 20 (zero-padded);
 *                        otherwise int offset (within the page) of [key][value] in the heap
 *      28  int  lengths  keyLength | valueLength &lt;&lt; 16 (so an entry is at most 65,535 bytes)
 *     ... free ...
 *     heap (8-byte aligned entries), from heapTop to the layout's end
 * layoutSize: the page's {@link ChangedLines} map, not part of the layout
 * </pre>
 * Every method takes {@code layoutSize}, the bytes of the page before its change map
 * ({@link ChangedLines#layoutSize}); a page is 8-byte aligned and cells are 32-byte aligned, so a cell
 * never straddles a 64-byte line.
 * <b>Why cells.</b> A long → long entry (and any entry of up to 20 key + value bytes, e.g. a String of up
 * to 12 bytes → count) lives entirely in its 32-byte cell: a lookup touches one cache line, like an
 * open-addressing primitive map, instead of a slot array and then an entry heap. Tag and lengths are
 * always written and read whole (a long, an int), so the layout needs no byte-order assumption; the
 * payload starts at offset 8, so a long key and a long value are 8-byte aligned.
 * <p>
 * <b>Why an adaptive cell count.</b> Pages of small entries want the page to be all cells, pages of
 * large values want it to be all heap. When one side runs out the page is rebuilt (live entries only)
 * with the space divided in proportion to what its entries use ({@link #cellsFor}); only when the
 * entries no longer fit at all does the page split. The cell index is {@code (hash * C) >>> 32}
 * (Lemire's reduction: the high hash bits, while the directory uses the low ones), so C needs not be a
 * power of two. Cells stay at most 3/4 occupied (live + tombstones).
 */
final class BucketPage
{
    static final int LOCAL_DEPTH = 0;
    static final int LIVE = 4;
    static final int CELL_COUNT = 8;
    static final int TOMBSTONES = 12;
    static final int HEAP_TOP = 16;
    static final int GARBAGE = 20;
    static final int CELLS = 64;
    static final int CELL_SHIFT = 5;
    static final int CELL_SIZE = 1 << CELL_SHIFT;
    static final int CELL_TAG = 0;
    static final int CELL_PAYLOAD = 8;
    static final int CELL_LENGTHS = 28;
    static final int INLINE_BYTES = 20;
    static final int MAX_LENGTH = 0xFFFF;
    static final long EMPTY = 0L;
    static final long TOMBSTONE = -1L;
    static final int LONG_LENGTHS = Long.BYTES | (Long.BYTES << 16);
    static final int MIN_CELLS = 2;

    private BucketPage()
    {
    }

    // ------------------------------------------------------------------ encoding

    static long tag(final int hash, final int stateId)
    {
        return ((long)(stateId + 1) << 32) | (hash & 0xFFFF_FFFFL);
    }

    static int hashOf(final long tag)
    {
        return (int)tag;
    }

    static int stateOf(final long tag)
    {
        return (int)(tag >>> 32) - 1;
    }

    static int lengths(final int keyLength, final int valueLength)
    {
        return keyLength | (valueLength << 16);
    }

    static int keyLength(final int lengths)
    {
        return lengths & MAX_LENGTH;
    }

    static int valueLength(final int lengths)
    {
        return lengths >>> 16;
    }

    static boolean isInline(final int keyLength, final int valueLength)
    {
        return keyLength + valueLength <= INLINE_BYTES;
    }

    /**
     * @return heap bytes an entry needs: 0 when it lives inline in its cell.
     */
    static int heapLength(final int keyLength, final int valueLength)
    {
        return isInline(keyLength, valueLength) ? 0 : BitUtil.align(keyLength + valueLength, 8);
    }

    /**
     * @return the largest key + value a page accepts: a quarter of the page, so that a few splits always
     * make room, and at most {@link #MAX_LENGTH}, what a cell's lengths can hold.
     */
    static int maxEntryPayload(final int layoutSize)
    {
        return Math.min(((layoutSize - CELLS) >>> 2) - CELL_SIZE, MAX_LENGTH);
    }

    static int cellCount(final DirectBuffer buffer, final int base)
    {
        return buffer.getInt(base + CELL_COUNT);
    }

    // ------------------------------------------------------------------ lookup (probes: LongCells, ByteCells)

    /**
     * @return the cell a probe for {@code hash} starts at (the high hash bits, Lemire's reduction).
     */
    static int firstCell(final int hash, final int cellCount)
    {
        return (int)(((hash & 0xFFFF_FFFFL) * cellCount) >>> 32);
    }

    /**
     * @return absolute offset of the key bytes of the entry in cell {@code c}.
     */
    static int keyOffset(final DirectBuffer buffer, final int base, final int c, final int lengths)
    {
        return isInline(keyLength(lengths), valueLength(lengths)) ?
            c + CELL_PAYLOAD : base + buffer.getInt(c + CELL_PAYLOAD);
    }

    /**
     * @return absolute offset of the value bytes of the entry in cell {@code c}.
     */
    static int valueOffset(final DirectBuffer buffer, final int base, final int c)
    {
        final int lengths = buffer.getInt(c + CELL_LENGTHS);
        return keyOffset(buffer, base, c, lengths) + keyLength(lengths);
    }

    static int valueLength(final DirectBuffer buffer, final int c)
    {
        return valueLength(buffer.getInt(c + CELL_LENGTHS));
    }

    // ------------------------------------------------------------------ insert, remove

    /**
     * @return true if an entry of these lengths fits without a rebuild.
     */
    static boolean hasRoom(final DirectBuffer buffer, final int base, final int keyLength, final int valueLength)
    {
        final int cellCount = buffer.getInt(base + CELL_COUNT);
        final int occupied = buffer.getInt(base + LIVE) + buffer.getInt(base + TOMBSTONES);
        return (occupied + 1) << 2 <= cellCount * 3 &&
            buffer.getInt(base + HEAP_TOP) - heapLength(keyLength, valueLength) >= CELLS + (cellCount << CELL_SHIFT);
    }

    /**
     * @return heap bytes of the live entries.
     */
    static int liveHeapBytes(final DirectBuffer buffer, final int base, final int layoutSize)
    {
        return layoutSize - buffer.getInt(base + HEAP_TOP) - buffer.getInt(base + GARBAGE);
    }

    /**
     * How many cells a page rebuilt for {@code entries} entries using {@code heapBytes} of heap gets:
     * at least 4/3 of the entries, and of the space left a share proportional to what an entry costs
     * in cells (~43 bytes at 3/4 occupancy) against what it costs in heap, keeping 1/16 for the heap.
     *
     * @return the cell count, or -1 if the entries do not fit in one page.
     */
    static int cellsFor(final int layoutSize, final int entries, final int heapBytes)
    {
        final int minCells = Math.max(MIN_CELLS, (entries * 4 + 2) / 3 + 1);
        final long free = (long)layoutSize - CELLS - heapBytes - ((long)minCells << CELL_SHIFT);
        if (free < 0)
        {
            return -1;
        }
        final long heapPerEntry = entries == 0 ? 0 : heapBytes / entries;
        final long cellCost = (CELL_SIZE * 4) / 3;
        final long share = Math.min(free * 15 / 16, free * cellCost / (cellCost + heapPerEntry));
        return minCells + (int)(share >>> CELL_SHIFT);
    }

    /**
     * Initialises an empty page.
     */
    static void init(
        final MutableDirectBuffer buffer, final int base, final int layoutSize, final int localDepth, final int cellCount)
    {
        buffer.setMemory(base, CELLS + (cellCount << CELL_SHIFT), (byte)0);
        buffer.putInt(base + LOCAL_DEPTH, localDepth);
        buffer.putInt(base + CELL_COUNT, cellCount);
        buffer.putInt(base + HEAP_TOP, layoutSize);
    }

    /**
     * Inserts an entry whose key is absent; the caller has checked {@link #hasRoom}. The key is
     * written; the value is left for the caller at {@link #valueOffset}.
     *
     * @return absolute offset of the new entry's cell.
     */
    static int insert(
        final MutableDirectBuffer buffer,
        final int base,
        final long tag,
        final DirectBuffer key,
        final int keyOffset,
        final int keyLength,
        final int valueLength)
    {
        final int c = freeCell(buffer, base, tag);
        buffer.putInt(c + CELL_LENGTHS, lengths(keyLength, valueLength));
        final int keyAt;
        if (isInline(keyLength, valueLength))
        {
            buffer.putLong(c + CELL_PAYLOAD, 0L);
            buffer.putLong(c + CELL_PAYLOAD + 8, 0L);
            buffer.putInt(c + CELL_PAYLOAD + 16, 0);
            keyAt = c + CELL_PAYLOAD;
        }
        else
        {
            final int heapTop = buffer.getInt(base + HEAP_TOP) - heapLength(keyLength, valueLength);
            buffer.putInt(base + HEAP_TOP, heapTop);
            buffer.putInt(c + CELL_PAYLOAD, heapTop);
            keyAt = base + heapTop;
        }
        if (keyLength > 0)
        {
            buffer.putBytes(keyAt, key, keyOffset, keyLength);
        }
        buffer.putLong(c + CELL_TAG, tag);
        buffer.putInt(base + LIVE, buffer.getInt(base + LIVE) + 1);
        return c;
    }

    /**
     * Inserts an absent long key with an 8-byte value; the caller has checked {@link #hasRoom}.
     *
     * @return absolute offset of the new entry's cell.
     */
    static int insertLong(final MutableDirectBuffer buffer, final int base, final long tag, final long key,
        final long value)
    {
        final int c = freeCell(buffer, base, tag);
        buffer.putInt(c + CELL_LENGTHS, LONG_LENGTHS);
        buffer.putLong(c + CELL_PAYLOAD, key);
        buffer.putLong(c + CELL_PAYLOAD + Long.BYTES, value);
        buffer.putInt(c + CELL_PAYLOAD + 2 * Long.BYTES, 0);
        buffer.putLong(c + CELL_TAG, tag);
        buffer.putInt(base + LIVE, buffer.getInt(base + LIVE) + 1);
        return c;
    }

    private static int freeCell(final MutableDirectBuffer buffer, final int base, final long tag)
    {
        final int cellCount = buffer.getInt(base + CELL_COUNT);
        int i = firstCell((int)tag, cellCount);
        while (true)
        {
            final int c = base + CELLS + (i << CELL_SHIFT);
            final long t = buffer.getLong(c + CELL_TAG);
            if (t == EMPTY)
            {
                return c;
            }
            if (t == TOMBSTONE)
            {
                buffer.putInt(base + TOMBSTONES, buffer.getInt(base + TOMBSTONES) - 1);
                return c;
            }
            if (++i == cellCount)
            {
                i = 0;
            }
        }
    }

    /**
     * Changes the value length of an entry in place if its storage allows (both inline, or the same
     * aligned heap size); the caller then writes the value at {@link #valueOffset}.
     *
     * @return true if done, false if the entry must be removed and inserted again.
     */
    static boolean resizeInPlace(final MutableDirectBuffer buffer, final int c, final int valueLength)
    {
        final int lengths = buffer.getInt(c + CELL_LENGTHS);
        final int keyLength = keyLength(lengths);
        final int oldValueLength = valueLength(lengths);
        if (isInline(keyLength, oldValueLength) != isInline(keyLength, valueLength) ||
            heapLength(keyLength, oldValueLength) != heapLength(keyLength, valueLength))
        {
            return false;
        }
        buffer.putInt(c + CELL_LENGTHS, lengths(keyLength, valueLength));
        return true;
    }

    /**
     * Removes the entry in cell {@code c}: the cell becomes a tombstone (or empty, if it ends a probe
     * chain), its heap bytes garbage.
     */
    static void remove(final MutableDirectBuffer buffer, final int base, final int c)
    {
        final int lengths = buffer.getInt(c + CELL_LENGTHS);
        buffer.putInt(base + GARBAGE,
            buffer.getInt(base + GARBAGE) + heapLength(keyLength(lengths), valueLength(lengths)));
        buffer.putInt(base + LIVE, buffer.getInt(base + LIVE) - 1);
        final int cellCount = buffer.getInt(base + CELL_COUNT);
        final int index = (c - base - CELLS) >>> CELL_SHIFT;
        final int next = base + CELLS + ((index + 1 == cellCount ? 0 : index + 1) << CELL_SHIFT);
        if (buffer.getLong(next + CELL_TAG) == EMPTY)
        {
            // no probe chain runs through this cell: it may become empty, not a tombstone
            buffer.putLong(c + CELL_TAG, EMPTY);
        }
        else
        {
            buffer.putLong(c + CELL_TAG, TOMBSTONE);
            buffer.putInt(base + TOMBSTONES, buffer.getInt(base + TOMBSTONES) + 1);
        }
    }

    // ------------------------------------------------------------------ rebuild, split

    /**
     * Rebuilds a page from the live entries of {@code source} that {@code keepBit} selects: no garbage,
     * no tombstones, the cell count chosen for what it holds plus {@code reserveHeap} bytes.
     *
     * @param keepBit     keep entries whose hash has this bit set ({@code keepSet}) or clear; -1 keeps all.
     * @param reserve     size the page for one more entry, about to be inserted.
     * @param reserveHeap heap bytes of that entry (0 if inline).
     */
    static void rebuild(
        final DirectBuffer source,
        final int sourceBase,
        final MutableDirectBuffer target,
        final int targetBase,
        final int layoutSize,
        final int localDepth,
        final int keepBit,
        final boolean keepSet,
        final boolean reserve,
        final int reserveHeap)
    {
        final int sourceCells = source.getInt(sourceBase + CELL_COUNT);
        int entries = 0;
        int heapBytes = reserve ? reserveHeap : 0;
        for (int i = 0; i < sourceCells; i++)
        {
            final int c = sourceBase + CELLS + (i << CELL_SHIFT);
            final long tag = source.getLong(c + CELL_TAG);
            if (keeps(tag, keepBit, keepSet))
            {
                final int lengths = source.getInt(c + CELL_LENGTHS);
                entries++;
                heapBytes += heapLength(keyLength(lengths), valueLength(lengths));
            }
        }
        int cellCount = reserve ? cellsFor(layoutSize, entries + 1, heapBytes) : -1;
        if (cellCount < 0)
        {
            cellCount = cellsFor(layoutSize, entries, heapBytes - (reserve ? reserveHeap : 0));
        }
        init(target, targetBase, layoutSize, localDepth, cellCount);
        for (int i = 0; i < sourceCells; i++)
        {
            final int c = sourceBase + CELLS + (i << CELL_SHIFT);
            final long tag = source.getLong(c + CELL_TAG);
            if (!keeps(tag, keepBit, keepSet))
            {
                continue;
            }
            final int lengths = source.getInt(c + CELL_LENGTHS);
            final int keyLength = keyLength(lengths);
            final int valueLength = valueLength(lengths);
            final int n = freeCell(target, targetBase, tag);
            target.putInt(n + CELL_LENGTHS, lengths);
            if (isInline(keyLength, valueLength))
            {
                target.putBytes(n + CELL_PAYLOAD, source, c + CELL_PAYLOAD, INLINE_BYTES);
            }
            else
            {
                final int length = heapLength(keyLength, valueLength);
                final int heapTop = target.getInt(targetBase + HEAP_TOP) - length;
                target.putBytes(targetBase + heapTop, source, sourceBase + source.getInt(c + CELL_PAYLOAD), length);
                target.putInt(targetBase + HEAP_TOP, heapTop);
                target.putInt(n + CELL_PAYLOAD, heapTop);
            }
            target.putLong(n + CELL_TAG, tag);
        }
        target.putInt(targetBase + LIVE, entries);
    }

    /**
     * @return true if rebuilding the page (dropping garbage and tombstones, re-dividing cells and heap)
     * would make room for an entry of these lengths.
     */
    static boolean roomAfterRebuild(final DirectBuffer buffer, final int base, final int layoutSize,
        final int keyLength, final int valueLength)
    {
        return cellsFor(layoutSize, buffer.getInt(base + LIVE) + 1,
            liveHeapBytes(buffer, base, layoutSize) + heapLength(keyLength, valueLength)) > 0;
    }

    private static boolean keeps(final long tag, final int keepBit, final boolean keepSet)
    {
        return tag != EMPTY && tag != TOMBSTONE && (keepBit < 0 || (((hashOf(tag) >>> keepBit) & 1) == 1) == keepSet);
    }

    static boolean isLive(final long tag)
    {
        return tag != EMPTY && tag != TOMBSTONE;
    }

    /**
     * Marks what inserting, resizing or removing the entry of cell {@code c} changes: the header line,
     * the cell's line and the entry's heap bytes. For {@link PagedKeyedStore} and {@link ByteKeyEntries}.
     */
    static void markEntry(final UnsafeBuffer buffer, final int base, final int layoutSize, final int c)
    {
        ChangedLines.mark(buffer, base, layoutSize, base, BucketPage.CELLS);
        ChangedLines.mark(buffer, base, layoutSize, c, BucketPage.CELL_SIZE);
        final int lengths = buffer.getInt(c + BucketPage.CELL_LENGTHS);
        final int keyLength = BucketPage.keyLength(lengths);
        final int valueLength = BucketPage.valueLength(lengths);
        if (!BucketPage.isInline(keyLength, valueLength))
        {
            ChangedLines.mark(buffer, base, layoutSize, BucketPage.keyOffset(buffer, base, c, lengths),
                keyLength + valueLength);
        }
    }

}
