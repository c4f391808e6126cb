package dev.riffle.store;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key comparison on raw addresses: equal keys of every length up to several words compare equal, and a
 * difference in any one byte — first, last, or inside an overlapped word — makes them differ; bytes just
 * outside the compared range never matter.
 */
class ByteCellsTest
{
    @Test
    void keysOfEveryLengthAreEqualOnlyWhenEveryByteIs()
    {
        final UnsafeBuffer stored = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 8));
        final byte[] key = new byte[128];
        for (int length = 0; length <= 40; length++)
        {
            for (final int offset : new int[]{0, 3})
            {
                for (int i = 0; i < 128; i++)
                {
                    stored.putByte(i, (byte)(i * 31 + 7));
                    key[i] = (byte)(i * 31 + 7);
                }
                // the bytes around the compared range differ: they must not take part
                stored.putByte(offset + length, (byte)~stored.getByte(offset + length));
                if (offset > 0)
                {
                    key[offset - 1] = (byte)~key[offset - 1];
                }
                final long storedAt = stored.addressOffset() + offset;
                final long keyAt = BufferUtil.ARRAY_BASE_OFFSET + offset;
                assertTrue(ByteCells.equal(storedAt, key, keyAt, length), "length " + length + " at " + offset);
                for (int differing = 0; differing < length; differing++)
                {
                    key[offset + differing] ^= 0x40;
                    assertFalse(ByteCells.equal(storedAt, key, keyAt, length),
                        "length " + length + " at " + offset + ", byte " + differing + " differs");
                    key[offset + differing] ^= 0x40;
                }
            }
        }
    }
}
