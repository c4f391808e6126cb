package dev.riffle.store;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Layout of one bucket page of an extendible hash table, as static operations over a buffer and the
 * page's base offset (a flyweight: no object per page).
 * <pre>
 *  0  int localDepth      bits of the hash this page is responsible for
 *  4  int live            entries
 *  8  int used            end of the entry heap (offset within the page)
 * 12  int garbage         bytes of dead entries in the heap
 * 16  int tombstones      deleted slots
 * 32  int slots[n]        n = pageSize / 32; 0 = empty, -1 = deleted, else entry offset
 *     entry heap          entries appended, 8-byte aligned:
 *                         int hash, int stateId, int keyLength, int valueLength, key, value
 * </pre>
 * The slot of an entry comes from the high bits of h(k, n) (the directory uses the low bits), with
 * linear probing; slots stay at most 3/4 full. Only the owning writer thread calls these methods.
 */
final class BucketPage
{
    static final int LOCAL_DEPTH = 0;
    static final int LIVE = 4;
    static final int USED = 8;
    static final int GARBAGE = 12;
    static final int TOMBSTONES = 16;
    static final int SLOTS = 32;
    static final int ENTRY_HASH = 0;
    static final int ENTRY_STATE = 4;
    static final int ENTRY_KEY_LENGTH = 8;
    static final int ENTRY_VALUE_LENGTH = 12;
    static final int ENTRY_KEY = 16;
    static final int EMPTY = 0;
    static final int DELETED = -1;

    private BucketPage()
    {
    }

    static int slotCount(final int pageSize)
    {
        return pageSize >>> 5;
    }

    static int dataStart(final int pageSize)
    {
        return SLOTS + (slotCount(pageSize) << 2);
    }

    /**
     * @return the largest key + value a page accepts: a quarter of what a page holds, so that a split
     * always makes room.
     */
    static int maxEntryPayload(final int pageSize)
    {
        return ((pageSize - dataStart(pageSize)) >>> 2) - ENTRY_KEY;
    }

    static int entryLength(final int keyLength, final int valueLength)
    {
        return BitUtil.align(ENTRY_KEY + keyLength + valueLength, 8);
    }

    static void init(final MutableDirectBuffer buffer, final int base, final int pageSize, final int localDepth)
    {
        buffer.setMemory(base, dataStart(pageSize), (byte)0);
        buffer.putInt(base + LOCAL_DEPTH, localDepth);
        buffer.putInt(base + USED, dataStart(pageSize));
    }

    private static int firstSlot(final int hash, final int slotMask)
    {
        return (hash * 0x9E3779B9 >>> 16) & slotMask;
    }

    /**
     * @return the slot index of the entry, or -1.
     */
    static int findSlot(
        final DirectBuffer buffer,
        final int base,
        final int pageSize,
        final int hash,
        final int stateId,
        final DirectBuffer key,
        final int keyOffset,
        final int keyLength)
    {
        final int slotMask = slotCount(pageSize) - 1;
        int slot = firstSlot(hash, slotMask);
        while (true)
        {
            final int entry = buffer.getInt(base + SLOTS + (slot << 2));
            if (entry == EMPTY)
            {
                return -1;
            }
            if (entry != DELETED)
            {
                final int e = base + entry;
                if (buffer.getInt(e + ENTRY_HASH) == hash && buffer.getInt(e + ENTRY_STATE) == stateId &&
                    buffer.getInt(e + ENTRY_KEY_LENGTH) == keyLength &&
                    equalBytes(buffer, e + ENTRY_KEY, key, keyOffset, keyLength))
                {
                    return slot;
                }
            }
            slot = (slot + 1) & slotMask;
        }
    }

    /**
     * The long-key fast path of {@link #findSlot}: compares 8 bytes as one long.
     */
    static int findSlot(
        final DirectBuffer buffer, final int base, final int pageSize, final int hash, final int stateId, final long key)
    {
        final int slotMask = slotCount(pageSize) - 1;
        int slot = firstSlot(hash, slotMask);
        while (true)
        {
            final int entry = buffer.getInt(base + SLOTS + (slot << 2));
            if (entry == EMPTY)
            {
                return -1;
            }
            if (entry != DELETED)
            {
                final int e = base + entry;
                if (buffer.getInt(e + ENTRY_HASH) == hash && buffer.getInt(e + ENTRY_STATE) == stateId &&
                    buffer.getInt(e + ENTRY_KEY_LENGTH) == Long.BYTES && buffer.getLong(e + ENTRY_KEY) == key)
                {
                    return slot;
                }
            }
            slot = (slot + 1) & slotMask;
        }
    }

    static int entryAt(final DirectBuffer buffer, final int base, final int slot)
    {
        return buffer.getInt(base + SLOTS + (slot << 2));
    }

    /**
     * @return true if an entry of this size fits without compaction or split.
     */
    static boolean hasRoom(final DirectBuffer buffer, final int base, final int pageSize, final int length)
    {
        final int occupied = buffer.getInt(base + LIVE) + buffer.getInt(base + TOMBSTONES);
        return (occupied + 1) << 2 <= slotCount(pageSize) * 3 && buffer.getInt(base + USED) + length <= pageSize;
    }

    /**
     * @return true if compacting (dropping dead entries and tombstones) would make room.
     */
    static boolean roomAfterCompaction(final DirectBuffer buffer, final int base, final int pageSize, final int length)
    {
        final int live = buffer.getInt(base + LIVE);
        final int liveBytes = buffer.getInt(base + USED) - dataStart(pageSize) - buffer.getInt(base + GARBAGE);
        return (live + 1) << 2 <= slotCount(pageSize) * 3 && dataStart(pageSize) + liveBytes + length <= pageSize;
    }

    /**
     * Appends an entry; the caller has checked {@link #hasRoom}. The value bytes are left for the
     * caller to write at {@code entry + ENTRY_KEY + keyLength}.
     *
     * @return offset of the entry within the page.
     */
    static int append(
        final MutableDirectBuffer buffer,
        final int base,
        final int pageSize,
        final int hash,
        final int stateId,
        final DirectBuffer key,
        final int keyOffset,
        final int keyLength,
        final int valueLength)
    {
        final int entry = buffer.getInt(base + USED);
        final int e = base + entry;
        buffer.putInt(e + ENTRY_HASH, hash);
        buffer.putInt(e + ENTRY_STATE, stateId);
        buffer.putInt(e + ENTRY_KEY_LENGTH, keyLength);
        buffer.putInt(e + ENTRY_VALUE_LENGTH, valueLength);
        if (keyLength > 0)
        {
            buffer.putBytes(e + ENTRY_KEY, key, keyOffset, keyLength);
        }
        link(buffer, base, pageSize, hash, entry);
        buffer.putInt(base + USED, entry + entryLength(keyLength, valueLength));
        buffer.putInt(base + LIVE, buffer.getInt(base + LIVE) + 1);
        return entry;
    }

    private static void link(final MutableDirectBuffer buffer, final int base, final int pageSize, final int hash,
        final int entry)
    {
        final int slotMask = slotCount(pageSize) - 1;
        int slot = firstSlot(hash, slotMask);
        while (true)
        {
            final int current = buffer.getInt(base + SLOTS + (slot << 2));
            if (current == EMPTY || current == DELETED)
            {
                if (current == DELETED)
                {
                    buffer.putInt(base + TOMBSTONES, buffer.getInt(base + TOMBSTONES) - 1);
                }
                buffer.putInt(base + SLOTS + (slot << 2), entry);
                return;
            }
            slot = (slot + 1) & slotMask;
        }
    }

    static void remove(final MutableDirectBuffer buffer, final int base, final int slot)
    {
        final int entry = buffer.getInt(base + SLOTS + (slot << 2));
        final int e = base + entry;
        final int length = entryLength(buffer.getInt(e + ENTRY_KEY_LENGTH), buffer.getInt(e + ENTRY_VALUE_LENGTH));
        buffer.putInt(base + SLOTS + (slot << 2), DELETED);
        buffer.putInt(base + LIVE, buffer.getInt(base + LIVE) - 1);
        buffer.putInt(base + TOMBSTONES, buffer.getInt(base + TOMBSTONES) + 1);
        buffer.putInt(base + GARBAGE, buffer.getInt(base + GARBAGE) + length);
    }

    /**
     * Rebuilds the page from the entries of {@code source} that {@code keep} accepts: no garbage, no
     * tombstones. Source and target must not overlap.
     *
     * @param keepBit  a hash bit: keep entries whose hash has it set ({@code keepSet}) or clear; -1 keeps all.
     */
    static void copyEntries(
        final DirectBuffer source,
        final int sourceBase,
        final MutableDirectBuffer target,
        final int targetBase,
        final int pageSize,
        final int localDepth,
        final int keepBit,
        final boolean keepSet)
    {
        init(target, targetBase, pageSize, localDepth);
        final int slots = slotCount(pageSize);
        for (int slot = 0; slot < slots; slot++)
        {
            final int entry = source.getInt(sourceBase + SLOTS + (slot << 2));
            if (entry == EMPTY || entry == DELETED)
            {
                continue;
            }
            final int e = sourceBase + entry;
            final int hash = source.getInt(e + ENTRY_HASH);
            if (keepBit >= 0 && (((hash >>> keepBit) & 1) == 1) != keepSet)
            {
                continue;
            }
            final int keyLength = source.getInt(e + ENTRY_KEY_LENGTH);
            final int valueLength = source.getInt(e + ENTRY_VALUE_LENGTH);
            final int length = entryLength(keyLength, valueLength);
            final int newEntry = target.getInt(targetBase + USED);
            target.putBytes(targetBase + newEntry, source, e, length);
            link(target, targetBase, pageSize, hash, newEntry);
            target.putInt(targetBase + USED, newEntry + length);
            target.putInt(targetBase + LIVE, target.getInt(targetBase + LIVE) + 1);
        }
    }

    private static boolean equalBytes(
        final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (a.getLong(aOffset + i) != b.getLong(bOffset + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i))
            {
                return false;
            }
        }
        return true;
    }
}
