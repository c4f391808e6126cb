package dev.riffle.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The byte-key operations of a {@link PagedKeyedStore}, and the iteration of its entries, which hands
 * every entry out as bytes: keys of any length with 8-byte long values, read and changed in place on raw
 * addresses, or with values of any length up to the entry limit. A long key is the same entry as its 8
 * bytes in native order passed as a byte key ({@link KeyedStore}): the store's long-key paths are a
 * shorter way to the same entries. Each method is the {@link KeyedStore} method of the same name, which
 * states its contract; the store delegates to it. A long state's entries are not here but in
 * {@link LongStateTables}: a byte-key operation on one takes the key's 8 bytes as the long key (and an
 * 8-byte value as the long value) there, and rejects other lengths.
 * <p>
 * <b>Threading.</b> Writer thread only. A lookup leaves where it looked (directory, index, hash, page)
 * in the {@code found*} fields for the write that follows, so that it need not repeat it; that cursor,
 * the {@link ValueView} that {@link #get} hands out and the buffer that carries a long value to
 * {@link #put} are reused by every call.
 * <p>
 * <b>Memory ordering.</b> None of its own: it passes the {@link CopyOnWriteBarrier} before it changes a
 * page, which orders the change after a running snapshot took the page, and inserts through
 * {@link TableGrowth}, which does the same.
 * <p>
 * <b>Hot path.</b> No allocation, lock or system call; a write costs one plain epoch check per page
 * ({@link CopyOnWriteBarrier#beforeWrite}) unless a snapshot still needs the page.
 */
final class ByteKeyEntries
{
    /** The store's directories while it is open, {@link PagedKeyedStore#CLOSED} once it is closed. */
    private KeyGroupDirectory[] open;
    private final int firstKeyGroup;
    private final PageArena arena;
    private final CopyOnWriteBarrier barrier;
    private final TableGrowth growth;
    /** Bytes of a page the entries use; the page's {@link ChangedLines} map follows. */
    private final int layoutSize;
    private final int maxEntry;
    private final UnsafeBuffer longValue = new UnsafeBuffer(new byte[Long.BYTES]);
    private KeyGroupDirectory foundDirectory;
    private int foundIndex;
    private long foundPageAddress;
    private int foundHash;
    private int foundPage;
    private UnsafeBuffer found;
    private int foundBase;
    private final ValueView view = new ValueView();
    private final LongStateTables longStates;
    private final StateRegistry states;

    /**
     * @param directories   the store's directories, one per key group of its range (filled in by the store
     *                      once it is built, before it is used).
     * @param firstKeyGroup first key group of the range.
     * @param arena         the store's pages.
     * @param barrier       the store's copy-on-write barrier.
     * @param growth        the store's table growth.
     * @param layoutSize    bytes of a page the entries use ({@link ChangedLines#layoutSize}).
     * @param maxEntry      the largest key length + value length the store accepts.
     * @param longStates    the store's long states.
     * @param states        the store's state names, for errors.
     */
    ByteKeyEntries(
        final KeyGroupDirectory[] directories,
        final int firstKeyGroup,
        final PageArena arena,
        final CopyOnWriteBarrier barrier,
        final TableGrowth growth,
        final int layoutSize,
        final int maxEntry,
        final LongStateTables longStates,
        final StateRegistry states)
    {
        this.longStates = longStates;
        this.states = states;
        this.open = directories;
        this.firstKeyGroup = firstKeyGroup;
        this.arena = arena;
        this.barrier = barrier;
        this.growth = growth;
        this.layoutSize = layoutSize;
        this.maxEntry = maxEntry;
    }

    // ---------------------------------------------------------------- byte keys, long values

    long getLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long missingValue)
    {
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        if (null != longTables)
        {
            return longStates.getLong(longTables, keyGroup, stateId, longKey(stateId, key, keyOffset, keyLength),
                missingValue);
        }
        final long cell = findByteCell(keyGroup, stateId, key, keyOffset, keyLength);
        return 0 == cell ? missingValue : LongCells.get(longValueAddress(cell));
    }

    void putLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long value)
    {
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        if (null != longTables)
        {
            longStates.putLong(longTables, keyGroup, stateId, longKey(stateId, key, keyOffset, keyLength), value);
            return;
        }
        final long cell = findByteCell(keyGroup, stateId, key, keyOffset, keyLength);
        final long at = 0 == cell ? 0 : ByteCells.longValueAddress(foundPageAddress, cell);
        if (0 != at)
        {
            if (LongCells.get(at) == value)
            {
                return; // no change: nothing to preserve for a snapshot or to save in the next one
            }
            barrier.beforeInPlaceWrite(foundDirectory.page(foundIndex), foundPageAddress, at, Long.BYTES);
            LongCells.put(at, value);
            markOverwrite(foundDirectory.page(foundIndex), cell, at, Long.BYTES);
            return;
        }
        longValue.putLong(0, value);
        put(keyGroup, stateId, key, keyOffset, keyLength, longValue, 0, Long.BYTES);
    }

    long addLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long delta)
    {
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        if (null != longTables)
        {
            return longStates.add(longTables, keyGroup, stateId, longKey(stateId, key, keyOffset, keyLength), delta,
                false);
        }
        final long cell = findByteCell(keyGroup, stateId, key, keyOffset, keyLength);
        if (0 != cell)
        {
            final long at = longValueAddress(cell);
            barrier.beforeInPlaceWrite(foundDirectory.page(foundIndex), foundPageAddress, at, Long.BYTES);
            final long value = LongCells.get(at) + delta;
            LongCells.put(at, value);
            markOverwrite(foundDirectory.page(foundIndex), cell, at, Long.BYTES);
            return value;
        }
        longValue.putLong(0, delta);
        put(keyGroup, stateId, key, keyOffset, keyLength, longValue, 0, Long.BYTES);
        return delta;
    }

    /**
     * @return the address of the 8-byte value of a cell {@link #findByteCell} found.
     * @throws IllegalStateException if its value is not 8 bytes long.
     */
    private long longValueAddress(final long cell)
    {
        final long at = ByteCells.longValueAddress(foundPageAddress, cell);
        if (0 == at)
        {
            throw LongCells.notALong(LongCells.lengths(cell));
        }
        return at;
    }

    /**
     * The byte-key lookup of the long fast paths, on raw addresses: no page buffer or offset is looked
     * up, which keeps a String → count operation short enough for the CPU to overlap its cache miss
     * with the next operation's work. Leaves the directory, index, hash and page address in the
     * {@code found*} fields for a write that follows (writer thread only).
     *
     * @return address of the key's cell, or 0 if absent.
     * @throws IndexOutOfBoundsException if the key is not within its buffer.
     */
    private long findByteCell(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        key.boundsCheck(keyOffset, keyLength);
        final byte[] keyArray = key.byteArray();
        final long keyAddress = key.addressOffset() + keyOffset;
        final int hash = EntryHash.hash(stateId, keyArray, keyAddress, keyLength);
        final KeyGroupDirectory directory = directory(keyGroup);
        final int index = directory.index(hash);
        final long slot = directory.slot(index);
        final long pageAddress = KeyGroupDirectory.address(slot);
        foundDirectory = directory;
        foundIndex = index;
        foundHash = hash;
        foundPageAddress = pageAddress;
        return ByteCells.find(pageAddress, KeyGroupDirectory.cells(slot), BucketPage.tag(hash, stateId),
            keyArray, keyAddress, keyLength);
    }

    /**
     * Looks a byte key up; leaves where it looked in the {@code found*} fields (writer thread only),
     * so callers that go on to write need not repeat the lookup.
     *
     * @return the entry's cell in {@link #found}'s page, or -1.
     */
    private int findByteKey(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        final long cell = findByteCell(keyGroup, stateId, key, keyOffset, keyLength);
        final int page = foundDirectory.page(foundIndex);
        final int base = arena.offset(page);
        foundPage = page;
        found = arena.buffer(page);
        foundBase = base;
        return 0 == cell ? -1 : base + (int)(cell - foundPageAddress);
    }

    // ---------------------------------------------------------------- byte keys and values

    ValueView get(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        if (null != longTables)
        {
            return longStates.get(longTables, keyGroup, stateId, longKey(stateId, key, keyOffset, keyLength));
        }
        final int c = findByteKey(keyGroup, stateId, key, keyOffset, keyLength);
        final UnsafeBuffer buffer = found;
        final int base = foundBase;
        if (c < 0)
        {
            return null;
        }
        view.wrap(buffer, BucketPage.valueOffset(buffer, base, c), BucketPage.valueLength(buffer, c));
        return view;
    }

    void put(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        if (null != longTables)
        {
            longStates.putLong(longTables, keyGroup, stateId, longKey(stateId, key, keyOffset, keyLength),
                LongStateTables.value(states.name(stateId), value, valueOffset, valueLength));
            return;
        }
        if (keyLength < 0 || valueLength < 0 || keyLength + valueLength > maxEntry)
        {
            throw new IllegalArgumentException("entry of " + keyLength + " + " + valueLength +
                " bytes exceeds the store's limit of " + maxEntry + " bytes (a quarter of a page)");
        }
        final int c = findByteKey(keyGroup, stateId, key, keyOffset, keyLength);
        final UnsafeBuffer buffer = found;
        final int base = foundBase;
        final KeyGroupDirectory directory = foundDirectory;
        final int hash = foundHash;
        final long tag = BucketPage.tag(hash, stateId);
        if (c >= 0)
        {
            if (BucketPage.valueLength(buffer, c) == valueLength)
            {
                overwrite(buffer, base, c, value, valueOffset, valueLength);
                return;
            }
            barrier.beforeWrite(foundPage);
            if (BucketPage.resizeInPlace(buffer, c, valueLength))
            {
                buffer.putBytes(BucketPage.valueOffset(buffer, base, c), value, valueOffset, valueLength);
                markEntry(buffer, base, c);
                return;
            }
            markEntry(buffer, base, c);
            BucketPage.remove(buffer, base, c);
        }
        final int target = growth.pageWithRoom(directory, hash, keyLength, valueLength);
        final UnsafeBuffer targetBuffer = arena.buffer(target);
        final int targetBase = arena.offset(target);
        final int n = BucketPage.insert(targetBuffer, targetBase, tag, key, keyOffset, keyLength, valueLength);
        targetBuffer.putBytes(BucketPage.valueOffset(targetBuffer, targetBase, n), value, valueOffset, valueLength);
        markEntry(targetBuffer, targetBase, n);
    }

    /**
     * Overwrites the value of cell {@code c} of the page {@link #findByteKey} found with one of the same
     * length: only the value's bytes change, so copy-on-write and the change map go by the line, as for a
     * long (a {@code ValueState<Long>} or any fixed-size value updated right after a checkpoint barrier
     * preserves a line, not the page).
     */
    private void overwrite(final UnsafeBuffer buffer, final int base, final int c, final DirectBuffer value,
        final int valueOffset, final int valueLength)
    {
        if (0 == valueLength)
        {
            return;
        }
        final int at = BucketPage.valueOffset(buffer, base, c);
        value.boundsCheck(valueOffset, valueLength);
        if (ByteCells.equal(buffer.addressOffset() + at, value.byteArray(), value.addressOffset() + valueOffset,
            valueLength))
        {
            return; // no change: nothing to preserve for a snapshot or to save in the next one
        }
        barrier.beforeInPlaceWrite(foundPage, foundPageAddress, buffer.addressOffset() + at, valueLength);
        buffer.putBytes(at, value, valueOffset, valueLength);
        markOverwrite(foundPage, buffer.addressOffset() + c, buffer.addressOffset() + at, valueLength);
    }

    /**
     * Marks an in-place overwrite of the {@code length} bytes at {@code at}, the value of the entry in cell
     * {@code cell} of the page {@link #findByteCell} found: a values mark if the value is inline in its
     * cell, else the value's lines in the page's heap and the page's header line (the page changed other
     * than in its inline values), which, unchanged itself, the barrier preserves first: a page in line mode
     * takes a marked line as preserved ({@link LineCopies}).
     */
    private void markOverwrite(final int page, final long cell, final long at, final int length)
    {
        if (at > cell && at - cell < BucketPage.CELL_SIZE)
        {
            ChangedLines.markValue(foundPageAddress, layoutSize, cell);
        }
        else
        {
            for (long line = at; line < at + length; line += ChangedLines.LINE_SIZE)
            {
                ChangedLines.mark(foundPageAddress, layoutSize, line);
            }
            ChangedLines.mark(foundPageAddress, layoutSize, at + length - 1);
            barrier.beforeInPlaceWrite(page, foundPageAddress, foundPageAddress, 1);
            ChangedLines.markHeader(foundPageAddress, layoutSize);
        }
    }

    boolean remove(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        if (null != longTables)
        {
            return longStates.removeLong(longTables, keyGroup, stateId, longKey(stateId, key, keyOffset, keyLength));
        }
        final int c = findByteKey(keyGroup, stateId, key, keyOffset, keyLength);
        final UnsafeBuffer buffer = found;
        final int base = foundBase;
        if (c < 0)
        {
            return false;
        }
        barrier.beforeWrite(foundPage);
        markEntry(buffer, base, c);
        BucketPage.remove(buffer, base, c);
        return true;
    }

    // ---------------------------------------------------------------- iteration

    /**
     * @return the long key of a byte-key operation on a long state: the key's 8 bytes in native order.
     * @throws IllegalArgumentException if it is not 8 bytes long.
     */
    private long longKey(final int stateId, final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        return keyLength == Long.BYTES ? key.getLong(keyOffset) :
            LongStateTables.key(states.name(stateId), key, keyOffset, keyLength);
    }

    /**
     * Visits one state's entries of a key group, or every state's if {@code stateId} is negative: a byte
     * state's here, a long state's in {@link LongStateTables}.
     */
    void forEach(final int keyGroup, final int stateId, final EntryVisitor visitor)
    {
        if (stateId >= 0 && null != longStates.tablesOf(stateId))
        {
            longStates.forEach(keyGroup, stateId, visitor);
            return;
        }
        if (stateId < 0)
        {
            longStates.forEach(keyGroup, stateId, visitor);
        }
        final int[] pages = directory(keyGroup).pages();
        for (int d = 0; d < pages.length; d++)
        {
            final int page = pages[d];
            final UnsafeBuffer buffer = arena.buffer(page);
            final int base = arena.offset(page);
            if ((d >>> buffer.getInt(base + BucketPage.LOCAL_DEPTH)) != 0)
            {
                continue; // a page of local depth l is first listed below 2^l: this is a repeat
            }
            final int cells = BucketPage.cellCount(buffer, base);
            for (int i = 0; i < cells; i++)
            {
                final int c = base + BucketPage.CELLS + (i << BucketPage.CELL_SHIFT);
                final long tag = buffer.getLong(c + BucketPage.CELL_TAG);
                final int state = BucketPage.stateOf(tag);
                if (BucketPage.isLive(tag) && (stateId < 0 || state == stateId))
                {
                    final int lengths = buffer.getInt(c + BucketPage.CELL_LENGTHS);
                    final int keyLength = BucketPage.keyLength(lengths);
                    final int keyAt = BucketPage.keyOffset(buffer, base, c, lengths);
                    visitor.accept(keyGroup, state, buffer, keyAt, keyLength, buffer, keyAt + keyLength,
                        BucketPage.valueLength(lengths));
                }
            }
        }
    }

    private void markEntry(final UnsafeBuffer buffer, final int base, final int c)
    {
        BucketPage.markEntry(buffer, base, layoutSize, c);
    }

    /**
     * The store closed: every later call fails its key-group check with an {@link IllegalStateException}
     * instead of reading unmapped memory.
     */
    void close()
    {
        open = KeyGroupDirectory.CLOSED;
    }

    private KeyGroupDirectory directory(final int keyGroup)
    {
        return KeyGroupDirectory.inRange(open, firstKeyGroup, keyGroup);
    }
}
