package dev.riffle.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Keyed tables off the Java heap, grouped by key group, in memory-mapped pages: the default
 * {@link KeyedStore} of Riffle.
 * <p>
 * <b>Layout.</b> Each key group of the store's range has its own extendible hash table: a directory
 * ({@link KeyGroupDirectory}) indexed by the low bits of h(k, n) ({@link EntryHash}: key bytes k, state
 * id n) pointing to bucket pages ({@link BucketPage}) in a {@link PageArena}. A page that runs out of
 * room is rebuilt (if dead entries or a better cell/heap division make room) or split in two by the next
 * hash bit; the directory doubles when a page is as deep as it. Growth is one page at a time, never a
 * rehash of a table, so the worst operation is one page split or one directory doubling: microseconds.
 * <p>
 * <b>Snapshots.</b> {@link #snapshot(long)} costs the writer O(1): it bumps an epoch. Afterwards the
 * first write to a page the snapshot has not captured yet copies it first
 * ({@link StoreSnapshot#captureForWriter}), and the first split in a key group hands its directory's page
 * ids over first; the snapshot thread captures and writes the rest. Only pages changed since the last completed snapshot are written —
 * the others are referenced in the files of earlier snapshots. {@link #snapshot(long, Path)} runs the
 * whole protocol on the store's own snapshot thread ({@link SnapshotService}).
 * <p>
 * <b>Threading.</b> One writer thread owns the store: every public method but those of a
 * {@link StoreSnapshot} is called by it. Snapshots are written by one other thread at a time.
 * <p>
 * <b>Hot path.</b> get/put/add/remove allocate nothing, take no lock and make no system call; a write
 * costs one plain epoch check per page ({@link #beforeWrite}) unless a snapshot still needs the page.
 * State ids are not checked on the hot path: use those {@link #registerState} returned.
 */
public final class PagedKeyedStore implements KeyedStore
{
    final StoreOptions options;
    final int firstKeyGroup;
    final int lastKeyGroup;
    final PageArena arena;
    final PageCaptures captures = new PageCaptures();
    final KeyGroupDirectory[] directories;
    /**
     * Per key group, the epoch of the latest snapshot its directory's page ids were captured for, or its
     * negation while a thread takes them: the same protocol as the pages' ({@link PageCaptures}).
     */
    final AtomicLongArray directoryCaptures;
    /** Per key group, the epoch in which the writer last changed its directory; writer only. */
    private final long[] directoryChanged;
    final Map<String, Integer> stateIds = new LinkedHashMap<>();
    private List<String> stateNames = List.of();
    final CopyPool copyPool;
    final SnapshotLineage lineage = new SnapshotLineage();
    private final int pageSize;
    /** Bytes of a page the entries use; the page's {@link ChangedLines} map follows. */
    private final int layoutSize;
    private final int maxEntry;
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer longValue = new UnsafeBuffer(new byte[Long.BYTES]);
    private KeyGroupDirectory foundDirectory;
    private int foundIndex;
    private long foundPageAddress;
    private int foundHash;
    private int foundPage;
    private UnsafeBuffer found;
    private int foundBase;
    private final ValueView view = new ValueView();
    private final SnapshotService snapshots;
    /** Writer's epoch: incremented by every snapshot; the snapshot thread reads only its snapshot's copy. */
    long epoch;
    /** Written by the snapshot thread when a snapshot completes (volatile store), read by the writer. */
    private volatile long lastCompletedEpoch;
    /** The latest snapshot started, or {@link StoreSnapshot#none} (never null); writer thread. */
    private StoreSnapshot activeForWriter;

    PagedKeyedStore(final Path workDirectory, final int firstKeyGroup, final int lastKeyGroup, final StoreOptions options)
        throws IOException
    {
        if (firstKeyGroup < 0 || lastKeyGroup < firstKeyGroup)
        {
            throw new IllegalArgumentException("bad key group range [" + firstKeyGroup + ", " + lastKeyGroup + "]");
        }
        this.options = options;
        this.firstKeyGroup = firstKeyGroup;
        this.lastKeyGroup = lastKeyGroup;
        this.pageSize = options.pageSize();
        this.layoutSize = ChangedLines.layoutSize(pageSize);
        this.maxEntry = options.maxEntrySize();
        this.arena = new PageArena(workDirectory, options.pageSize(), options.pagesPerSegment());
        this.scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
        this.directories = new KeyGroupDirectory[lastKeyGroup - firstKeyGroup + 1];
        this.directoryCaptures = new AtomicLongArray(directories.length);
        this.directoryChanged = new long[directories.length];
        this.copyPool = new CopyPool(pageSize);
        this.snapshots = new SnapshotService(this);
        this.activeForWriter = StoreSnapshot.none(this, directories.length);
    }

    /**
     * Opens an empty store.
     *
     * @param workDirectory directory for the memory-mapped pages; created; deleted on close.
     * @param firstKeyGroup first key group of the range.
     * @param lastKeyGroup  last key group of the range (inclusive).
     * @param options       page sizing.
     * @return the store.
     * @throws IOException if the directory cannot be created.
     */
    public static PagedKeyedStore create(
        final Path workDirectory, final int firstKeyGroup, final int lastKeyGroup, final StoreOptions options)
        throws IOException
    {
        final PagedKeyedStore store = new PagedKeyedStore(workDirectory, firstKeyGroup, lastKeyGroup, options);
        for (int i = 0; i < store.directories.length; i++)
        {
            store.directories[i] = store.newDirectory(i);
        }
        return store;
    }

    /**
     * Restores a store from manifests written by {@link #snapshot(long, Path)} (data files next to each
     * manifest): all of their key groups in the range, e.g. the key groups of one new instance of a
     * rescaled job from the snapshots of every old instance.
     *
     * @param manifests     manifests, each covering other key groups.
     * @param workDirectory directory for the new store's pages.
     * @param firstKeyGroup first key group of the new store.
     * @param lastKeyGroup  last key group of the new store (inclusive).
     * @param options       page sizing; the page size must be the snapshots'.
     * @return the restored store; key groups no manifest covers are empty.
     * @throws CorruptSnapshotException naming a missing, truncated or damaged file.
     * @throws IOException              on another read failure, or mismatching snapshots.
     */
    public static PagedKeyedStore restore(final List<Path> manifests, final Path workDirectory,
        final int firstKeyGroup, final int lastKeyGroup, final StoreOptions options) throws IOException
    {
        final List<StoreRestore.Source> sources = new ArrayList<>();
        for (final Path manifest : manifests)
        {
            sources.add(new StoreRestore.Source(manifest, manifest.toAbsolutePath().getParent()));
        }
        return StoreRestore.restore(workDirectory, firstKeyGroup, lastKeyGroup, options, sources);
    }

    @Override
    public int registerState(final String name)
    {
        final Integer id = stateIds.get(name);
        if (null != id)
        {
            return id;
        }
        final int next = stateIds.size();
        stateIds.put(name, next);
        stateNames = List.copyOf(stateIds.keySet());
        return next;
    }

    @Override
    public List<String> stateNames()
    {
        return stateNames;
    }

    /**
     * Restore: states named by a snapshot, in its numbering.
     */
    void restoredState(final String name, final int id)
    {
        stateIds.put(name, id);
        stateNames = List.copyOf(stateIds.keySet());
    }

    @Override
    public int firstKeyGroup()
    {
        return firstKeyGroup;
    }

    @Override
    public int lastKeyGroup()
    {
        return lastKeyGroup;
    }

    @Override
    public int maxEntrySize()
    {
        return maxEntry;
    }

    /**
     * @return bytes of memory-mapped pages in use.
     */
    public long mappedBytes()
    {
        return (long)arena.pageCount() * pageSize;
    }

    // ---------------------------------------------------------------- long keys, long values

    @Override
    public long getLong(final int keyGroup, final int stateId, final long key, final long missingValue)
    {
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final int index = directory.index(hash);
        final long c = LongCells.find(directory.address(index), directory.cells(index),
            BucketPage.tag(hash, stateId), key);
        return 0 == c ? missingValue : LongCells.get(LongCells.valueAddress(c));
    }

    @Override
    public void putLong(final int keyGroup, final int stateId, final long key, final long value)
    {
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final long tag = BucketPage.tag(hash, stateId);
        final int index = directory.index(hash);
        final long c = LongCells.find(directory.address(index), directory.cells(index), tag, key);
        if (0 != c)
        {
            final int page = directory.page(index);
            beforeWrite(page);
            if (LongCells.lengths(c) == BucketPage.LONG_LENGTHS)
            {
                LongCells.put(c + BucketPage.CELL_PAYLOAD + Long.BYTES, value);
                ChangedLines.mark(directory.address(index), layoutSize, c);
                return;
            }
            removeCell(directory, index, c);
        }
        insertLong(directory, hash, tag, key, value);
    }

    @Override
    public long addLong(final int keyGroup, final int stateId, final long key, final long delta)
    {
        return add(keyGroup, stateId, key, delta, false);
    }

    @Override
    public double addDouble(final int keyGroup, final int stateId, final long key, final double delta)
    {
        return Double.longBitsToDouble(add(keyGroup, stateId, key, Double.doubleToRawLongBits(delta), true));
    }

    /**
     * In-place add on the long fast path, of longs or of doubles (raw bits in and out); {@code asDouble}
     * is a constant at each call site, which the JIT folds once {@code add} is inlined there.
     */
    private long add(final int keyGroup, final int stateId, final long key, final long delta, final boolean asDouble)
    {
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final long tag = BucketPage.tag(hash, stateId);
        final int index = directory.index(hash);
        final long c = LongCells.find(directory.address(index), directory.cells(index), tag, key);
        if (0 != c)
        {
            final long at = LongCells.valueAddress(c);
            beforeWrite(directory.page(index));
            final long value = sum(LongCells.get(at), delta, asDouble);
            LongCells.put(at, value);
            ChangedLines.mark(directory.address(index), layoutSize, c);
            return value;
        }
        final long value = sum(0L, delta, asDouble); // as if 0 (bits of 0.0) were present: -0.0 becomes 0.0
        insertLong(directory, hash, tag, key, value);
        return value;
    }

    private static long sum(final long value, final long delta, final boolean asDouble)
    {
        return asDouble ?
            Double.doubleToRawLongBits(Double.longBitsToDouble(value) + Double.longBitsToDouble(delta)) :
            value + delta;
    }

    @Override
    public boolean removeLong(final int keyGroup, final int stateId, final long key)
    {
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final int index = directory.index(hash);
        final long c = LongCells.find(directory.address(index), directory.cells(index),
            BucketPage.tag(hash, stateId), key);
        if (0 == c)
        {
            return false;
        }
        beforeWrite(directory.page(index));
        removeCell(directory, index, c);
        return true;
    }

    /**
     * Removes the entry of a cell found by address; the page is already writable.
     */
    private void removeCell(final KeyGroupDirectory directory, final int index, final long cellAddress)
    {
        final int page = directory.page(index);
        final int base = arena.offset(page);
        final int c = base + (int)(cellAddress - directory.address(index));
        markEntry(arena.buffer(page), base, c);
        BucketPage.remove(arena.buffer(page), base, c);
    }

    /**
     * Marks what inserting, resizing or removing the entry of cell {@code c} changes: the header line,
     * the cell's line and the entry's heap bytes.
     */
    private void markEntry(final UnsafeBuffer buffer, final int base, final int c)
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

    private void insertLong(final KeyGroupDirectory directory, final int hash, final long tag, final long key,
        final long value)
    {
        final int page = pageWithRoom(directory, hash, Long.BYTES, Long.BYTES);
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        markEntry(buffer, base, BucketPage.insertLong(buffer, base, tag, key, value));
    }

    // ---------------------------------------------------------------- byte keys, long values

    @Override
    public long getLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long missingValue)
    {
        final long cell = findByteCell(keyGroup, stateId, key, keyOffset, keyLength);
        return 0 == cell ? missingValue : LongCells.get(longValueAddress(cell));
    }

    @Override
    public void putLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long value)
    {
        final long cell = findByteCell(keyGroup, stateId, key, keyOffset, keyLength);
        final long at = 0 == cell ? 0 : ByteCells.longValueAddress(foundPageAddress, cell);
        if (0 != at)
        {
            beforeWrite(foundDirectory.page(foundIndex));
            LongCells.put(at, value);
            ChangedLines.markLong(foundPageAddress, layoutSize, at);
            return;
        }
        longValue.putLong(0, value);
        put(keyGroup, stateId, key, keyOffset, keyLength, longValue, 0, Long.BYTES);
    }

    @Override
    public long addLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long delta)
    {
        final long cell = findByteCell(keyGroup, stateId, key, keyOffset, keyLength);
        if (0 != cell)
        {
            final long at = longValueAddress(cell);
            beforeWrite(foundDirectory.page(foundIndex));
            final long value = LongCells.get(at) + delta;
            LongCells.put(at, value);
            ChangedLines.markLong(foundPageAddress, layoutSize, at);
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
        final long pageAddress = directory.address(index);
        foundDirectory = directory;
        foundIndex = index;
        foundHash = hash;
        foundPageAddress = pageAddress;
        return ByteCells.find(pageAddress, directory.cells(index), BucketPage.tag(hash, stateId),
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

    @Override
    public ValueView get(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
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

    @Override
    public void put(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
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
            beforeWrite(foundPage);
            if (BucketPage.resizeInPlace(buffer, c, valueLength))
            {
                buffer.putBytes(BucketPage.valueOffset(buffer, base, c), value, valueOffset, valueLength);
                markEntry(buffer, base, c);
                return;
            }
            markEntry(buffer, base, c);
            BucketPage.remove(buffer, base, c);
        }
        final int target = pageWithRoom(directory, hash, keyLength, valueLength);
        final UnsafeBuffer targetBuffer = arena.buffer(target);
        final int targetBase = arena.offset(target);
        final int n = BucketPage.insert(targetBuffer, targetBase, tag, key, keyOffset, keyLength, valueLength);
        targetBuffer.putBytes(BucketPage.valueOffset(targetBuffer, targetBase, n), value, valueOffset, valueLength);
        markEntry(targetBuffer, targetBase, n);
    }

    @Override
    public boolean remove(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        final int c = findByteKey(keyGroup, stateId, key, keyOffset, keyLength);
        final UnsafeBuffer buffer = found;
        final int base = foundBase;
        if (c < 0)
        {
            return false;
        }
        beforeWrite(foundPage);
        markEntry(buffer, base, c);
        BucketPage.remove(buffer, base, c);
        return true;
    }

    @Override
    public void forEach(final int keyGroup, final int stateId, final EntryVisitor visitor)
    {
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

    // ---------------------------------------------------------------- snapshots

    /**
     * Starts a snapshot of the store as it is now and returns at once, in O(1): it only starts a new
     * epoch. Pages and directories are captured lazily — by the writer before it first changes one
     * (copy-on-write), or by the snapshot thread when it gets to it. The caller writes the snapshot with
     * {@link StoreSnapshot#write} on another thread while writes go on.
     *
     * @param snapshotId caller's id, recorded in the manifest.
     * @return the snapshot; if the previous one is still being written, its remaining changed pages are
     * copied first (in memory), so both stay consistent.
     */
    public StoreSnapshot snapshot(final long snapshotId)
    {
        return snapshot(snapshotId, false);
    }

    StoreSnapshot snapshot(final long snapshotId, final boolean full)
    {
        final StoreSnapshot previous = activeForWriter;
        final boolean lineageSettled = previous.isDone();
        if (!lineageSettled)
        {
            // rare (a checkpoint aborted while its snapshot was still written): copy what the previous
            // snapshot still needs, so both can proceed without waiting for its I/O
            previous.captureAll();
        }
        final long snapshotEpoch = ++epoch;
        final StoreSnapshot snapshot = new StoreSnapshot(this, snapshotId, snapshotEpoch,
            full ? 0 : lastCompletedEpoch, arena.pageCount(), directories.length, stateNames, lineageSettled);
        activeForWriter = snapshot;
        return snapshot;
    }

    @Override
    public SnapshotHandle snapshot(final long snapshotId, final Path targetDirectory)
    {
        return snapshots.start(snapshotId, targetDirectory);
    }

    @Override
    public CompletableFuture<Integer> subsume(final long snapshotId)
    {
        return snapshots.subsume(snapshotId);
    }

    /**
     * Called on the snapshot thread when a snapshot's files are durable: later snapshots are incremental
     * to it. The volatile store publishes it to the writer's next {@link #snapshot}.
     */
    void snapshotCompleted(final StoreSnapshot snapshot)
    {
        lastCompletedEpoch = snapshot.epoch;
    }

    /**
     * The copy-on-write barrier, called by the writer before it changes a page: a plain check of the
     * page's last write epoch, so only the first change of a page after a snapshot pays anything.
     */
    private void beforeWrite(final int page)
    {
        if (captures.written(page) == epoch)
        {
            return;
        }
        final StoreSnapshot snapshot = activeForWriter;
        if (page < snapshot.pageLimit)
        {
            snapshot.captureForWriter(page);
        }
        captures.written(page, epoch);
    }

    /**
     * @return a new page, left as mapped (zeroed) for a restore to fill with a saved image.
     */
    int restoredPage()
    {
        final int page = arena.allocate();
        captures.ensure(page);
        captures.written(page, epoch);
        return page;
    }

    int newPage(final int localDepth)
    {
        final int page = restoredPage();
        BucketPage.init(arena.buffer(page), arena.offset(page), layoutSize, localDepth,
            BucketPage.cellsFor(layoutSize, 0, 0));
        ChangedLines.markAll(arena.buffer(page), arena.offset(page), pageSize);
        return page;
    }

    /**
     * @return a directory of one new page, its caches filled.
     */
    KeyGroupDirectory newDirectory(final int slot)
    {
        final KeyGroupDirectory directory = new KeyGroupDirectory(slot, new int[]{newPage(0)});
        directory.refresh(arena);
        return directory;
    }

    /**
     * Refreshes the directory's caches for a page just rebuilt, split off or created.
     */
    private void pageChanged(final KeyGroupDirectory directory, final int hash, final int page)
    {
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        directory.pageChanged(hash, buffer.getInt(base + BucketPage.LOCAL_DEPTH), arena.address(page),
            BucketPage.cellCount(buffer, base));
    }

    /**
     * @return the page for this hash with room for the entry, made writable: rebuilt or split as needed.
     */
    private int pageWithRoom(final KeyGroupDirectory directory, final int hash, final int keyLength,
        final int valueLength)
    {
        while (true)
        {
            final int page = directory.pageFor(hash);
            final UnsafeBuffer buffer = arena.buffer(page);
            final int base = arena.offset(page);
            beforeWrite(page);
            if (BucketPage.hasRoom(buffer, base, keyLength, valueLength))
            {
                return page;
            }
            if (BucketPage.roomAfterRebuild(buffer, base, layoutSize, keyLength, valueLength))
            {
                scratch.putBytes(0, buffer, base, pageSize);
                BucketPage.rebuild(scratch, 0, buffer, base, layoutSize, buffer.getInt(base + BucketPage.LOCAL_DEPTH),
                    -1, false, true, BucketPage.heapLength(keyLength, valueLength));
                ChangedLines.markAll(buffer, base, pageSize);
                pageChanged(directory, hash, page);
                continue;
            }
            split(directory, hash, page);
        }
    }

    /**
     * The copy-on-write barrier of a directory, before the writer changes its page ids: the active
     * snapshot gets the ids as they are, and the next change copies them.
     */
    private void beforeDirectoryChange(final KeyGroupDirectory directory)
    {
        final int slot = directory.slot();
        if (directoryChanged[slot] == epoch)
        {
            return;
        }
        activeForWriter.captureDirectory(slot);
        directory.share();
        directoryChanged[slot] = epoch;
    }

    private void split(final KeyGroupDirectory directory, final int hash, final int page)
    {
        beforeDirectoryChange(directory);
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        final int depth = buffer.getInt(base + BucketPage.LOCAL_DEPTH);
        if (depth >= 30)
        {
            throw new IllegalStateException("key group table cannot split further: too many keys with equal hashes");
        }
        if (depth == directory.depth())
        {
            directory.doubleSize();
        }
        final int sibling = newPage(depth + 1);
        scratch.putBytes(0, buffer, base, pageSize);
        BucketPage.rebuild(scratch, 0, buffer, base, layoutSize, depth + 1, depth, false, false, 0);
        BucketPage.rebuild(scratch, 0, arena.buffer(sibling), arena.offset(sibling), layoutSize, depth + 1, depth,
            true, false, 0);
        ChangedLines.markAll(buffer, base, pageSize);
        directory.split(hash, depth, page, sibling);
        pageChanged(directory, hash & ~(1 << depth), page);
        pageChanged(directory, hash | (1 << depth), sibling);
    }

    private KeyGroupDirectory directory(final int keyGroup)
    {
        final int index = keyGroup - firstKeyGroup;
        if (index < 0 || keyGroup > lastKeyGroup)
        {
            throw new IllegalArgumentException("key group " + keyGroup + " is outside this store's range [" +
                firstKeyGroup + ", " + lastKeyGroup + "]");
        }
        return directories[index];
    }

    /**
     * Unmaps and deletes the store's pages — once the snapshot being written, if any, is done with them:
     * a task may close its state right after the synchronous phase of its final checkpoint. Stops the
     * store's snapshot thread after the work already given to it. The writer must not use the store
     * afterwards.
     */
    @Override
    public void close()
    {
        snapshots.close();
        if (!activeForWriter.closeStoreWhenDone())
        {
            arena.close();
        }
    }
}
