package dev.riffle.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Keyed tables off the Java heap, grouped by key group, in memory-mapped pages: the default
 * {@link KeyedStore} of Riffle. This class is its entry point: it opens and restores stores, serves the
 * {@link KeyedStore} API — the long-key fast paths itself, the rest through its parts — and closes them.
 * Its parts, one job each: {@link ByteKeyEntries} (byte keys, iteration), {@link TableGrowth} (pages and
 * directories created, full pages rebuilt or split), {@link CopyOnWriteBarrier} (epochs, snapshots
 * started, the barrier before a change), {@link StateRegistry} (state names and ids) and
 * {@link SnapshotService} (the store's own snapshot thread and files).
 * <p>
 * <b>Layout.</b> Each key group of the store's range has its own extendible hash table: a directory
 * ({@link KeyGroupDirectory}) indexed by the low bits of h(k, n) ({@link EntryHash}: key bytes k, state
 * id n) pointing to bucket pages ({@link BucketPage}) in a {@link PageArena}. Tables grow one page at a
 * time, never by a rehash ({@link TableGrowth}).
 * <p>
 * <b>Snapshots.</b> {@link #snapshot(long)} costs the writer O(1): it bumps an epoch. Afterwards the
 * first write to a page the snapshot has not captured yet copies it first, and the first split in a key
 * group hands its directory's page ids over first ({@link CopyOnWriteBarrier}); the snapshot thread
 * captures and writes the rest. Only pages changed since the last completed snapshot are written — the
 * others are referenced in the files of earlier snapshots. {@link #snapshot(long, Path)} runs the whole
 * protocol on the store's own snapshot thread ({@link SnapshotService}).
 * <p>
 * <b>Threading.</b> One writer thread owns the store: every public method but those of a
 * {@link StoreSnapshot} is called by it. Snapshots are written by one other thread at a time.
 * <p>
 * <b>Memory ordering.</b> What the writer and a snapshot thread share — the pages and the directories'
 * page ids — is ordered by the capture protocol of {@link CopyOnWriteBarrier}; a snapshot reaches its
 * thread by a hand-off that happens-before (the executor of {@link SnapshotService}, or the caller's).
 * <p>
 * <b>Hot path.</b> get/put/add/remove allocate nothing, take no lock and make no system call; a write
 * costs one plain epoch check per page ({@link CopyOnWriteBarrier#beforeWrite}) unless a snapshot still
 * needs the page. The long-key paths stay in this class so that they reach the directories with no load
 * beyond the store's own fields. State ids are not checked on the hot path: use those
 * {@link #registerState} returned.
 */
public final class PagedKeyedStore implements KeyedStore
{
    final StoreOptions options;
    final int firstKeyGroup;
    final int lastKeyGroup;
    final PageArena arena;
    final KeyGroupDirectory[] directories;
    final CopyOnWriteBarrier barrier;
    final TableGrowth growth;
    final StateRegistry states = new StateRegistry();
    final CopyPool copyPool;
    final SnapshotLineage lineage = new SnapshotLineage();
    private final int pageSize;
    /** Bytes of a page the entries use; the page's {@link ChangedLines} map follows. */
    private final int layoutSize;
    private final int maxEntry;
    private final ByteKeyEntries byteKeys;
    final LongStateTables longStates;
    /**
     * Every table's directory: one per key group for the byte states ({@link #directories}), then one per
     * key group for each long state in order of registration. It starts as {@link #directories} itself,
     * filled before the store is handed out; then it is replaced, never changed, when a long state is
     * registered, so that a snapshot keeps the list as of its start ({@link SnapshotDirectories}).
     * Writer thread only.
     */
    private KeyGroupDirectory[] tables;
    /**
     * {@link #directories} while the store is open, {@link KeyGroupDirectory#CLOSED} once it is closed, so
     * that the key-group check every operation makes anyway rejects use after close (the pages are
     * unmapped then: reading them would crash the JVM). The check is one unsigned compare against this array's length,
     * which also lets the JIT drop the array's own bounds check. Writer thread only.
     */
    private KeyGroupDirectory[] open;
    private final SnapshotService snapshots;

    PagedKeyedStore(
        final Path workDirectory, final int firstKeyGroup, final int lastKeyGroup, final StoreOptions options)
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
        this.directories = new KeyGroupDirectory[lastKeyGroup - firstKeyGroup + 1];
        this.open = directories;
        this.barrier = new CopyOnWriteBarrier(this);
        this.growth = new TableGrowth(arena, barrier, pageSize);
        this.longStates = new LongStateTables(firstKeyGroup, directories.length, arena, barrier, growth, layoutSize);
        this.byteKeys = new ByteKeyEntries(directories, firstKeyGroup, arena, barrier, growth, layoutSize, maxEntry,
            longStates, states);
        this.tables = directories;
        this.copyPool = new CopyPool(pageSize);
        this.snapshots = new SnapshotService(this);
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
            store.directories[i] = store.growth.newDirectory(i);
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
        return states.register(name);
    }

    @Override
    public int registerLongState(final String name)
    {
        checkOpen();
        final int id = states.registerLong(name);
        if (null == longStates.tablesOf(id))
        {
            addLongTables(longStates.create(id, tables.length));
        }
        return id;
    }

    /**
     * Appends a long state's tables (new, or restored) to the list of tables.
     */
    void addLongTables(final KeyGroupDirectory[] longTables)
    {
        final KeyGroupDirectory[] more = Arrays.copyOf(tables, tables.length + longTables.length);
        System.arraycopy(longTables, 0, more, tables.length, longTables.length);
        tables = more;
    }

    /**
     * @return every table's directory, as {@link #tables} describes; never changed once returned.
     */
    KeyGroupDirectory[] tables()
    {
        return tables;
    }

    @Override
    public boolean isLongState(final int stateId)
    {
        return states.isLong(stateId);
    }

    @Override
    public List<String> stateNames()
    {
        return states.names();
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

    // Each method routes a long state's call to LongStateTables and a byte state's to a method of its
    // own: the JIT inlines each path where it is hot, instead of one method holding both.

    @Override
    public long getLong(final int keyGroup, final int stateId, final long key, final long missingValue)
    {
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        return null != longTables ? longStates.getLong(longTables, keyGroup, stateId, key, missingValue) :
            byteStateGet(keyGroup, stateId, key, missingValue);
    }

    private long byteStateGet(final int keyGroup, final int stateId, final long key, final long missingValue)
    {
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final int index = directory.index(hash);
        final long c = LongCells.find(directory.slot(index), BucketPage.tag(hash, stateId), key);
        if (c > 0)
        {
            return LongCells.get(c + LongCells.VALUE);
        }
        if (0 == c)
        {
            return missingValue;
        }
        throw LongCells.notALong(LongCells.lengths(-c));
    }

    @Override
    public void putLong(final int keyGroup, final int stateId, final long key, final long value)
    {
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        if (null != longTables)
        {
            longStates.putLong(longTables, keyGroup, stateId, key, value);
        }
        else
        {
            byteStatePut(keyGroup, stateId, key, value);
        }
    }

    private void byteStatePut(final int keyGroup, final int stateId, final long key, final long value)
    {
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final long tag = BucketPage.tag(hash, stateId);
        final int index = directory.index(hash);
        final long slot = directory.slot(index);
        final long c = LongCells.find(slot, tag, key);
        if (c > 0)
        {
            if (LongCells.get(c + LongCells.VALUE) == value)
            {
                return; // no change: nothing to preserve for a snapshot or to save in the next one
            }
            barrier.beforeInPlaceWrite(directory.page(index), KeyGroupDirectory.address(slot), c + LongCells.VALUE,
                Long.BYTES);
            LongCells.put(c + LongCells.VALUE, value);
            ChangedLines.markValue(KeyGroupDirectory.address(slot), layoutSize, c);
            return;
        }
        insertLong(directory, index, hash, tag, key, value, c);
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
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        return null != longTables ? longStates.add(longTables, keyGroup, stateId, key, delta, asDouble) :
            byteStateAdd(keyGroup, stateId, key, delta, asDouble);
    }

    private long byteStateAdd(final int keyGroup, final int stateId, final long key, final long delta,
        final boolean asDouble)
    {
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final long tag = BucketPage.tag(hash, stateId);
        final int index = directory.index(hash);
        final long slot = directory.slot(index);
        final long c = LongCells.find(slot, tag, key);
        if (c > 0)
        {
            barrier.beforeInPlaceWrite(directory.page(index), KeyGroupDirectory.address(slot), c + LongCells.VALUE,
                Long.BYTES);
            final long value = sum(LongCells.get(c + LongCells.VALUE), delta, asDouble);
            LongCells.put(c + LongCells.VALUE, value);
            ChangedLines.markValue(KeyGroupDirectory.address(slot), layoutSize, c);
            return value;
        }
        if (c < 0)
        {
            throw LongCells.notALong(LongCells.lengths(-c));
        }
        final long value = sum(0L, delta, asDouble); // as if 0 (bits of 0.0) were present: -0.0 becomes 0.0
        insertLong(directory, index, hash, tag, key, value, 0);
        return value;
    }

    static long sum(final long value, final long delta, final boolean asDouble)
    {
        return asDouble ?
            Double.doubleToRawLongBits(Double.longBitsToDouble(value) + Double.longBitsToDouble(delta)) :
            value + delta;
    }

    @Override
    public boolean removeLong(final int keyGroup, final int stateId, final long key)
    {
        final KeyGroupDirectory[] longTables = longStates.tablesOf(stateId);
        return null != longTables ? longStates.removeLong(longTables, keyGroup, stateId, key) :
            byteStateRemove(keyGroup, stateId, key);
    }

    private boolean byteStateRemove(final int keyGroup, final int stateId, final long key)
    {
        final KeyGroupDirectory directory = directory(keyGroup);
        final int hash = EntryHash.hash(stateId, key);
        final int index = directory.index(hash);
        final long c = LongCells.find(directory.slot(index), BucketPage.tag(hash, stateId), key);
        if (0 == c)
        {
            return false;
        }
        barrier.beforeWrite(directory.page(index));
        removeCell(directory, index, Math.abs(c));
        return true;
    }

    /**
     * Removes the entry of a cell found by address; the page is already writable.
     */
    private void removeCell(final KeyGroupDirectory directory, final int index, final long cellAddress)
    {
        final int page = directory.page(index);
        final int base = arena.offset(page);
        final int c = base + (int)(cellAddress - KeyGroupDirectory.address(directory.slot(index)));
        markEntry(arena.buffer(page), base, c);
        BucketPage.remove(arena.buffer(page), base, c);
    }

    private void markEntry(final UnsafeBuffer buffer, final int base, final int c)
    {
        BucketPage.markEntry(buffer, base, layoutSize, c);
    }

    /**
     * Inserts an absent long key, after removing the entry of the same key whose value is not 8 bytes long
     * if {@code found} (as {@link LongCells#find} returned it) is one.
     */
    private void insertLong(final KeyGroupDirectory directory, final int index, final int hash, final long tag,
        final long key, final long value, final long found)
    {
        if (found < 0)
        {
            barrier.beforeWrite(directory.page(index));
            removeCell(directory, index, -found);
        }
        final int page = growth.pageWithRoom(directory, hash, Long.BYTES, Long.BYTES);
        final UnsafeBuffer buffer = arena.buffer(page);
        final int base = arena.offset(page);
        markEntry(buffer, base, BucketPage.insertLong(buffer, base, tag, key, value));
    }

    // ---------------------------------------------------------------- byte keys and iteration (ByteKeyEntries)

    @Override
    public long getLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long missingValue)
    {
        return byteKeys.getLong(keyGroup, stateId, key, keyOffset, keyLength, missingValue);
    }

    @Override
    public void putLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long value)
    {
        byteKeys.putLong(keyGroup, stateId, key, keyOffset, keyLength, value);
    }

    @Override
    public long addLong(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final long delta)
    {
        return byteKeys.addLong(keyGroup, stateId, key, keyOffset, keyLength, delta);
    }

    @Override
    public ValueView get(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        return byteKeys.get(keyGroup, stateId, key, keyOffset, keyLength);
    }

    @Override
    public void put(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        byteKeys.put(keyGroup, stateId, key, keyOffset, keyLength, value, valueOffset, valueLength);
    }

    @Override
    public boolean remove(final int keyGroup, final int stateId, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        return byteKeys.remove(keyGroup, stateId, key, keyOffset, keyLength);
    }

    @Override
    public void forEach(final int keyGroup, final int stateId, final EntryVisitor visitor)
    {
        byteKeys.forEach(keyGroup, stateId, visitor);
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
        checkOpen();
        return barrier.startSnapshot(snapshotId, full);
    }

    @Override
    public SnapshotHandle snapshot(final long snapshotId, final Path targetDirectory)
    {
        checkOpen();
        return snapshots.start(snapshotId, targetDirectory);
    }

    private boolean closed()
    {
        return open == KeyGroupDirectory.CLOSED;
    }

    private void checkOpen()
    {
        if (closed())
        {
            throw new IllegalStateException("the store is closed");
        }
    }

    @Override
    public CompletableFuture<Integer> subsume(final long snapshotId)
    {
        return snapshots.subsume(snapshotId);
    }

    private KeyGroupDirectory directory(final int keyGroup)
    {
        return KeyGroupDirectory.inRange(open, firstKeyGroup, keyGroup);
    }

    /**
     * Unmaps and deletes the store's pages — once the snapshot being written, if any, is done with them:
     * a task may close its state right after the synchronous phase of its final checkpoint. Stops the
     * store's snapshot thread after the work already given to it. Afterwards every operation but
     * {@code close()} (which does nothing again) throws {@link IllegalStateException}.
     */
    @Override
    public void close()
    {
        if (closed())
        {
            return;
        }
        open = KeyGroupDirectory.CLOSED;
        byteKeys.close();
        longStates.close();
        snapshots.close();
        if (!barrier.closeStoreAfterSnapshot())
        {
            arena.close();
        }
    }
}
