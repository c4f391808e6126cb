package dev.riffle.store;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

/**
 * h(k, n): the 32-bit hash that places an entry of state n with key bytes k within its key group's
 * table. The state id seeds the hash, so the same key under two states lands in unrelated places.
 * Eight bytes at a time with a multiply-rotate round (wyhash/xxHash style constants), the last
 * 1–7 bytes together in one more round, and a murmur3 finaliser, so that every input bit affects the low bits (directory index) and the high
 * bits (slot within a page) alike. Not a cryptographic hash: keys chosen to collide only slow their
 * own key group down.
 * <p>
 * A key of exactly 8 bytes — every long key — skips the round: the murmur3 finaliser alone (a
 * bijection in which every input bit flips each output bit with probability ~1/2) of the key xor the
 * state's seed. That keeps the long path at three multiplies, one of them off the key's dependency
 * chain; a lookup's instructions are what limits how many of them the CPU overlaps (docs/state.md).
 */
final class EntryHash
{
    private static final long P1 = 0x9E3779B97F4A7C15L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;

    private EntryHash()
    {
    }

    /**
     * @throws IndexOutOfBoundsException if the key is not within the buffer.
     */
    static int hash(final int stateId, final DirectBuffer key, final int offset, final int length)
    {
        key.boundsCheck(offset, length);
        return hash(stateId, key.byteArray(), key.addressOffset() + offset, length);
    }

    /**
     * The same hash of key bytes the caller has bounds-checked.
     *
     * @param array   the key's array, or null if {@code address} is a native address.
     * @param address address of the key (an offset into {@code array} if not null).
     */
    static int hash(final int stateId, final byte[] array, final long address, final int length)
    {
        if (length == Long.BYTES)
        {
            return hash(stateId, UnsafeApi.getLong(array, address));
        }
        long h = seed(stateId) ^ length;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            h = Long.rotateLeft(h ^ UnsafeApi.getLong(array, address + i) * P2, 31) * P1;
        }
        final int rest = length - i;
        if (rest > 0)
        {
            h = Long.rotateLeft(h ^ tail(array, address + i, rest) * P2, 31) * P1;
        }
        return mix(h);
    }

    /**
     * The last 1–7 bytes of a key as one long, read with at most three loads (4, 2, 1 bytes) instead of
     * one multiply-rotate round per byte: a word key is mostly tail.
     */
    private static long tail(final byte[] array, final long address, final int length)
    {
        long tail = 0;
        long at = address;
        int shift = 0;
        if ((length & 4) != 0)
        {
            tail = UnsafeApi.getInt(array, at) & 0xFFFF_FFFFL;
            at += 4;
            shift = 32;
        }
        if ((length & 2) != 0)
        {
            tail |= (UnsafeApi.getShort(array, at) & 0xFFFFL) << shift;
            at += 2;
            shift += 16;
        }
        if ((length & 1) != 0)
        {
            tail |= (UnsafeApi.getByte(array, at) & 0xFFL) << shift;
        }
        return tail;
    }

    /**
     * Equal to {@link #hash(int, DirectBuffer, int, int)} of the key's 8 bytes as
     * {@code putLong} stores them, so the long fast path and the byte path find the same entries.
     */
    static int hash(final int stateId, final long key)
    {
        return mix(key ^ seed(stateId));
    }

    private static long seed(final int stateId)
    {
        return (stateId + 1L) * P1;
    }

    private static int mix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int)h;
    }
}
