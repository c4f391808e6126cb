package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * h(k, n): the properties the store relies on — the long and byte paths agree, every key byte and the
 * state take part, on-heap and off-heap keys hash alike, and both ends of the hash (the directory's
 * low bits, the cell's high bits) spread short and sequential keys.
 */
class EntryHashTest
{
    @Test
    void aLongKeyHashesAsItsEightBytes()
    {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        for (final long k : new long[]{0, 1, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE, 0x0102030405060708L})
        {
            key.putLong(0, k, java.nio.ByteOrder.nativeOrder());
            for (int state = 0; state < 3; state++)
            {
                assertEquals(EntryHash.hash(state, k), EntryHash.hash(state, key, 0, Long.BYTES), "key " + k);
            }
        }
    }

    @Test
    void everyByteOfEveryLengthAndTheStateChangeTheHash()
    {
        for (int length = 0; length <= 24; length++)
        {
            final byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                bytes[i] = (byte)(31 * i + 7);
            }
            final UnsafeBuffer key = new UnsafeBuffer(bytes);
            final int hash = EntryHash.hash(0, key, 0, length);
            assertNotEquals(hash, EntryHash.hash(1, key, 0, length), "state, length " + length);
            for (int i = 0; i < length; i++)
            {
                bytes[i] ^= 1;
                assertNotEquals(hash, EntryHash.hash(0, key, 0, length), "byte " + i + " of " + length);
                bytes[i] ^= 1;
            }
            if (length > 0)
            {
                final UnsafeBuffer shorter = new UnsafeBuffer(bytes, 0, length - 1);
                assertNotEquals(hash, EntryHash.hash(0, shorter, 0, length - 1), "length " + length);
            }
        }
    }

    @Test
    void onHeapAndOffHeapKeysHashAlike()
    {
        final byte[] word = "word-1234567".getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(word.length + 3));
        direct.putBytes(3, word);
        for (int length = 0; length <= word.length; length++)
        {
            assertEquals(EntryHash.hash(2, new UnsafeBuffer(word), 0, length), EntryHash.hash(2, direct, 3, length),
                "length " + length);
        }
    }

    @Test
    void lowAndHighBitsSpreadSequentialAndWordKeys()
    {
        final int buckets = 256;
        final int keys = 256 * 400;
        final int[] low = new int[buckets];
        final int[] high = new int[buckets];
        final int[] wordLow = new int[buckets];
        final int[] wordHigh = new int[buckets];
        for (int k = 0; k < keys; k++)
        {
            final int h = EntryHash.hash(0, k);
            low[h & (buckets - 1)]++;
            high[h >>> 24]++;
            final byte[] word = ("w" + k).getBytes(StandardCharsets.UTF_8);
            final int w = EntryHash.hash(0, new UnsafeBuffer(word), 0, word.length);
            wordLow[w & (buckets - 1)]++;
            wordHigh[w >>> 24]++;
        }
        for (final int[] counts : new int[][]{low, high, wordLow, wordHigh})
        {
            // 400 expected per bucket: a chi-square over 255 degrees of freedom stays far below 400
            // for a uniform spread; a hash that ignores bits of the key lands in the thousands
            double chiSquare = 0;
            for (final int c : counts)
            {
                chiSquare += (c - 400.0) * (c - 400.0) / 400.0;
            }
            assertTrue(chiSquare < 400, "chi-square " + chiSquare);
        }
    }
}
