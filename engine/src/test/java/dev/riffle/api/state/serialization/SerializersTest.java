package dev.riffle.api.state.serialization;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerializersTest
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);

    record Trade(long id, String symbol, double price, TimeUnit unit, Inner inner)
    {
    }

    record Inner(int qty, boolean buy, byte[] tag)
    {
    }

    record Holder(Object anything)
    {
    }

    @Test
    void primitivesAndBoxesRoundTrip()
    {
        for (final Object value : List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 7, Integer.MIN_VALUE, (short)-3,
            (byte)5, 'x', true, false, Math.PI, -0.0, Double.NaN, 1.5f))
        {
            assertRoundTrip(value);
        }
    }

    @Test
    void stringsRoundTripIncludingNonAscii()
    {
        for (final String s : List.of("", "word", "naïve", "数据流", "emoji \uD83D\uDE00 here", "x".repeat(10_000)))
        {
            assertRoundTrip(s);
        }
    }

    @Test
    void signedIntegersSortAsBytes()
    {
        final TypeSerializer<Long> longs = Serializers.forType(Long.class);
        final Random random = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            final long a = random.nextLong() >> random.nextInt(64);
            final long b = random.nextLong() >> random.nextInt(64);
            assertEquals(Integer.signum(Long.compare(a, b)), Integer.signum(Arrays.compareUnsigned(bytes(longs, a),
                bytes(longs, b))), a + " vs " + b);
        }
    }

    @Test
    void enumsAndNestedRecordsRoundTrip()
    {
        assertRoundTrip(TimeUnit.SECONDS);
        final Trade trade = new Trade(42, "EURUSD", 1.0831, TimeUnit.MILLISECONDS, new Inner(100, true, new byte[]{1, 2}));
        final TypeSerializer<Trade> serializer = Serializers.forType(Trade.class);
        final int length = serializer.length(trade);
        serializer.write(trade, buffer, 3);
        final Trade read = serializer.read(buffer, 3, length);
        assertEquals(trade.id(), read.id());
        assertEquals(trade.symbol(), read.symbol());
        assertEquals(trade.unit(), read.unit());
        assertEquals(trade.inner().qty(), read.inner().qty());
        assertArrayEquals(trade.inner().tag(), read.inner().tag());
        assertEquals(TypeSerializer.VARIABLE_LENGTH, serializer.fixedLength());
        assertSame(serializer, Serializers.forType(Trade.class));
    }

    @Test
    void fixedLengthRecordsAreFixedLength()
    {
        record Point(long x, long y)
        {
        }
        assertEquals(16, Serializers.forType(Point.class).fixedLength());
    }

    @Test
    void unsupportedTypesAreNamed()
    {
        final UnsupportedTypeException ex = assertThrows(UnsupportedTypeException.class,
            () -> Serializers.forType(java.util.Date.class));
        assertTrue(ex.getMessage().contains("java.util.Date"), ex.getMessage());
        final UnsupportedTypeException nested = assertThrows(UnsupportedTypeException.class,
            () -> Serializers.forType(Holder.class));
        assertTrue(nested.getMessage().contains("component 'anything'"), nested.getMessage());
    }

    @Test
    void corruptBytesAreRejected()
    {
        final UnsafeBuffer bad = new UnsafeBuffer(new byte[]{0, 0, 0, 99});
        assertThrows(IllegalArgumentException.class, () -> Serializers.forType(TimeUnit.class).read(bad, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> Serializers.forType(Long.class).read(bad, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> Serializers.forType(Boolean.class).read(bad, 3, 1));
    }

    @SuppressWarnings("unchecked")
    private void assertRoundTrip(final Object value)
    {
        final TypeSerializer<Object> serializer = (TypeSerializer<Object>)Serializers.forType(value.getClass());
        final int length = serializer.length(value);
        if (serializer.fixedLength() >= 0)
        {
            assertEquals(serializer.fixedLength(), length);
        }
        serializer.write(value, buffer, 5);
        assertEquals(value, serializer.read(buffer, 5, length));
    }

    private static byte[] bytes(final TypeSerializer<Long> serializer, final long value)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[8]);
        serializer.write(value, b, 0);
        return b.byteArray().clone();
    }
}
