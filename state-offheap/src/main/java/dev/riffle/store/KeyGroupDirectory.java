package dev.riffle.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The extendible-hashing directory of one key group: {@code 2^depth} entries indexed by the low bits of
 * h(k, n), each naming a bucket page. Small (one entry per page-sized bucket, tens of KiB for GiBs of
 * state), so it lives on the heap.
 * <p>
 * Three parallel arrays: {@code pages} (page ids) is what snapshots capture, and is copy-on-write
 * towards them: an array captured by a snapshot is never modified again, the writer replaces it with a
 * copy before its first change after a snapshot started ({@link #share}). A snapshot takes the array
 * lazily — the writer hands it over before that first change, or the snapshot thread takes it when it
 * gets to the key group (see {@link StoreSnapshot#captureDirectory}); the snapshot thread reads the
 * {@code pages} reference optimistically and keeps it only if its capture CAS wins, which proves the
 * writer had not replaced it. {@code slots} is the writer's private lookup cache: per entry the page's
 * memory address with its cell count in the low 12 bits ({@link #slot}), so a lookup goes from the hash
 * to the cell's memory with one array load, without touching the page header or the arena's segment
 * table — the instructions of a lookup bound how many the CPU overlaps (docs/state.md). The packing
 * holds because a page's address is 4 KiB-aligned (segments are mapped at page boundaries, pages are
 * a power of two of at least 4 KiB) and a page of at most {@link PageArena#MAX_PAGE_SIZE} has fewer
 * than 4,096 cells. Writer thread only, but for the captured arrays and the capture word.
 * <p>
 * <b>Tables.</b> A store's tables are one directory per key group for the entries of every byte state
 * ({@link BucketPage}s), followed by one per key group and long state ({@link LongPage}s, registered
 * later; see {@link LongStateTables}); {@link #slot} is a directory's position in that list, which a
 * snapshot captures by. The slots of a long state's directory carry no cell count (its pages all have
 * the store's), only the address.
 * <p>
 * <b>Memory ordering.</b> The capture word is the epoch of the latest snapshot this directory's page
 * ids were captured for; the writer and the snapshot thread each publish a capture with one CAS from
 * the word they read (acquire) to the snapshot's epoch ({@link SnapshotDirectories}).
 */
final class KeyGroupDirectory
{
    /**
     * The directories of a closed store: none, so that every key group is outside its range.
     */
    static final KeyGroupDirectory[] CLOSED = new KeyGroupDirectory[0];
    private static final int CELL_COUNT_MASK = 0xFFF;
    private static final VarHandle CAPTURED;

    static
    {
        try
        {
            CAPTURED = MethodHandles.lookup().findVarHandle(KeyGroupDirectory.class, "captured", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int slot;
    private final int keyGroupIndex;
    private final int longState;
    private int[] pages;
    private long[] slots;
    private int mask;
    private boolean shared;
    /** Epoch of the latest snapshot the page ids were captured for; accessed through {@link #CAPTURED}. */
    @SuppressWarnings("unused")
    private long captured;
    /** Epoch in which the writer last changed the page ids; writer only. */
    private long changedInEpoch;

    /**
     * A directory of the byte states' table of a key group, first in the store's list of tables.
     *
     * @param slot  the key group's index in its store (key group - first key group).
     * @param pages page ids; the caches are filled by {@link #refresh}.
     */
    KeyGroupDirectory(final int slot, final int[] pages)
    {
        this(slot, slot, -1, pages);
    }

    /**
     * @param slot          position among the store's tables.
     * @param keyGroupIndex the key group's index in its store (key group - first key group).
     * @param longState     the long state whose table this is, or -1 for the byte states' table.
     * @param pages         page ids; the caches are filled by {@link #refresh}.
     */
    KeyGroupDirectory(final int slot, final int keyGroupIndex, final int longState, final int[] pages)
    {
        this.slot = slot;
        this.keyGroupIndex = keyGroupIndex;
        this.longState = longState;
        this.pages = pages;
        this.slots = new long[pages.length];
        this.mask = pages.length - 1;
    }

    /**
     * @return the key group's index in its store (key group - first key group).
     */
    int keyGroupIndex()
    {
        return keyGroupIndex;
    }

    /**
     * @return the long state whose table this is, or -1 for the byte states' table.
     */
    int longState()
    {
        return longState;
    }

    /**
     * @return the capture word (acquire): the epoch of the latest snapshot the page ids were captured for.
     */
    long captureEpoch()
    {
        return (long)CAPTURED.getAcquire(this);
    }

    /**
     * @return true if this thread's capture for {@code epoch} is the one (CAS from {@code expected}).
     */
    boolean casCapture(final long expected, final long epoch)
    {
        return CAPTURED.compareAndSet(this, expected, epoch);
    }

    /**
     * @return epoch in which the writer last changed the page ids; writer only.
     */
    long changedInEpoch()
    {
        return changedInEpoch;
    }

    void changedInEpoch(final long epoch)
    {
        changedInEpoch = epoch;
    }

    /**
     * Fills the lookup slots of every entry from cell counts known without reading the pages: a restore's
     * workers note each page's count as they build it, so that building the directories does not fault
     * every freshly written page into the store's mappings (the job's first touches do, one at a time).
     *
     * @param cellCounts cell count of each page, indexed by page id.
     */
    void refresh(final PageArena arena, final int[] cellCounts)
    {
        for (int i = 0; i < pages.length; i++)
        {
            slots[i] = slot(arena.address(pages[i]), longState >= 0 ? 0 : cellCounts[pages[i]]);
        }
    }

    /**
     * Fills the caches of every entry from the arena; after creation.
     */
    void refresh(final PageArena arena)
    {
        for (int i = 0; i < pages.length; i++)
        {
            slots[i] = slot(arena.address(pages[i]),
                longState >= 0 ? 0 : BucketPage.cellCount(arena.buffer(pages[i]), arena.offset(pages[i])));
        }
    }

    int index(final int hash)
    {
        return hash & mask;
    }

    int page(final int index)
    {
        return pages[index];
    }

    /**
     * @return the lookup slot of an entry: {@link #address(long)} and {@link #cells(long)} in one long.
     */
    long slot(final int index)
    {
        return slots[index];
    }

    static long slot(final long address, final int cellCount)
    {
        if ((address & CELL_COUNT_MASK) != 0 || cellCount < 0 || cellCount > CELL_COUNT_MASK)
        {
            throw new IllegalStateException("page at " + address + " with " + cellCount + " cells cannot be " +
                "packed into a lookup slot (pages must be 4 KiB-aligned and hold fewer than 4096 cells)");
        }
        return address | cellCount;
    }

    static long address(final long slot)
    {
        return slot & ~CELL_COUNT_MASK;
    }

    static int cells(final long slot)
    {
        return (int)slot & CELL_COUNT_MASK;
    }

    int pageFor(final int hash)
    {
        return pages[hash & mask];
    }

    /**
     * @return the current page ids, to iterate without allocating: a page of local depth d appears first
     * at an index below {@code 2^d}, so an index at or above it is a repeat. Valid until the next change.
     */
    int[] pages()
    {
        return pages;
    }

    int depth()
    {
        return Integer.numberOfTrailingZeros(pages.length);
    }

    int slot()
    {
        return slot;
    }

    /**
     * Marks the page ids as possibly held by a snapshot: the next change copies them first. Writer
     * thread, before its first change of the directory after a snapshot started.
     */
    void share()
    {
        shared = true;
    }

    void doubleSize()
    {
        pages = doubled(pages);
        shared = false;
        slots = doubled(slots);
        mask = pages.length - 1;
    }

    private static int[] doubled(final int[] old)
    {
        final int[] doubled = Arrays.copyOf(old, old.length << 1);
        System.arraycopy(old, 0, doubled, old.length, old.length);
        return doubled;
    }

    private static long[] doubled(final long[] old)
    {
        final long[] doubled = Arrays.copyOf(old, old.length << 1);
        System.arraycopy(old, 0, doubled, old.length, old.length);
        return doubled;
    }

    /**
     * Points the entries of the split half (hash bit {@code depth} set) from {@code page} to
     * {@code newPage}: only the {@code 2^(globalDepth - depth - 1)} indices that can hold it.
     */
    void split(final int hash, final int depth, final int page, final int newPage)
    {
        if (shared)
        {
            pages = pages.clone();
            shared = false;
        }
        final int step = 1 << (depth + 1);
        final int start = (hash & ((1 << depth) - 1)) | (1 << depth);
        for (int i = start; i < pages.length; i += step)
        {
            if (pages[i] == page)
            {
                pages[i] = newPage;
            }
        }
    }

    /**
     * Refreshes the caches of every entry that names the page holding {@code hash} (local depth
     * {@code localDepth}) after it was rebuilt, split or created.
     */
    void pageChanged(final int hash, final int localDepth, final long address, final int cellCount)
    {
        final long slot = slot(address, cellCount);
        final int step = 1 << localDepth;
        for (int i = hash & (step - 1); i < pages.length; i += step)
        {
            slots[i] = slot;
        }
    }

    /**
     * @param open          the directories of the range starting at {@code firstKeyGroup} while the store
     *                      is open, {@link #CLOSED} once it is closed.
     * @param firstKeyGroup the range's first key group.
     * @return the directory of a key group of the range; for the store and its parts.
     * @throws IllegalArgumentException if the key group is outside the range.
     * @throws IllegalStateException    if the store is closed.
     */
    static KeyGroupDirectory inRange(final KeyGroupDirectory[] open, final int firstKeyGroup, final int keyGroup)
    {
        final int index = keyGroup - firstKeyGroup;
        if (index < 0 || index >= open.length) // one unsigned compare, which is also the array's bounds check
        {
            throw outsideRange(open, firstKeyGroup, keyGroup);
        }
        return open[index];
    }

    private static RuntimeException outsideRange(final KeyGroupDirectory[] open, final int firstKeyGroup,
        final int keyGroup)
    {
        if (open == CLOSED)
        {
            return new IllegalStateException("the store is closed");
        }
        return new IllegalArgumentException("key group " + keyGroup + " is outside this store's range [" +
            firstKeyGroup + ", " + (firstKeyGroup + open.length - 1) + "]");
    }

}
