package dev.riffle.api.state.serialization;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Serializers of the primitive boxes. Big-endian, and for signed integers with the sign bit flipped,
 * so that the byte order of two values is their numeric order (useful for sorted iteration later).
 */
final class FixedLengthSerializers
{
    private FixedLengthSerializers()
    {
    }

    static final TypeSerializer<Long> LONG = new Fixed<>(Long.BYTES)
    {
        @Override
        public void write(final Long value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, value ^ Long.MIN_VALUE, ByteOrder.BIG_ENDIAN);
        }

        @Override
        public Long read(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length);
            return buffer.getLong(offset, ByteOrder.BIG_ENDIAN) ^ Long.MIN_VALUE;
        }
    };

    static final TypeSerializer<Integer> INT = new Fixed<>(Integer.BYTES)
    {
        @Override
        public void write(final Integer value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putInt(offset, value ^ Integer.MIN_VALUE, ByteOrder.BIG_ENDIAN);
        }

        @Override
        public Integer read(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length);
            return buffer.getInt(offset, ByteOrder.BIG_ENDIAN) ^ Integer.MIN_VALUE;
        }
    };

    static final TypeSerializer<Short> SHORT = new Fixed<>(Short.BYTES)
    {
        @Override
        public void write(final Short value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putShort(offset, (short)(value ^ Short.MIN_VALUE), ByteOrder.BIG_ENDIAN);
        }

        @Override
        public Short read(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length);
            return (short)(buffer.getShort(offset, ByteOrder.BIG_ENDIAN) ^ Short.MIN_VALUE);
        }
    };

    static final TypeSerializer<Byte> BYTE = new Fixed<>(Byte.BYTES)
    {
        @Override
        public void write(final Byte value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putByte(offset, (byte)(value ^ Byte.MIN_VALUE));
        }

        @Override
        public Byte read(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length);
            return (byte)(buffer.getByte(offset) ^ Byte.MIN_VALUE);
        }
    };

    static final TypeSerializer<Character> CHAR = new Fixed<>(Character.BYTES)
    {
        @Override
        public void write(final Character value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putChar(offset, value, ByteOrder.BIG_ENDIAN);
        }

        @Override
        public Character read(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length);
            return buffer.getChar(offset, ByteOrder.BIG_ENDIAN);
        }
    };

    static final TypeSerializer<Boolean> BOOLEAN = new Fixed<>(1)
    {
        @Override
        public void write(final Boolean value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putByte(offset, (byte)(value ? 1 : 0));
        }

        @Override
        public Boolean read(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length);
            final byte b = buffer.getByte(offset);
            if (b != 0 && b != 1)
            {
                throw new IllegalArgumentException("not a boolean: " + b);
            }
            return b == 1;
        }
    };

    static final TypeSerializer<Double> DOUBLE = new Fixed<>(Double.BYTES)
    {
        @Override
        public void write(final Double value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putLong(offset, Double.doubleToLongBits(value), ByteOrder.BIG_ENDIAN);
        }

        @Override
        public Double read(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length);
            return Double.longBitsToDouble(buffer.getLong(offset, ByteOrder.BIG_ENDIAN));
        }
    };

    static final TypeSerializer<Float> FLOAT = new Fixed<>(Float.BYTES)
    {
        @Override
        public void write(final Float value, final MutableDirectBuffer buffer, final int offset)
        {
            buffer.putInt(offset, Float.floatToIntBits(value), ByteOrder.BIG_ENDIAN);
        }

        @Override
        public Float read(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length);
            return Float.intBitsToFloat(buffer.getInt(offset, ByteOrder.BIG_ENDIAN));
        }
    };

    private abstract static class Fixed<T> implements TypeSerializer<T>
    {
        private final int length;

        Fixed(final int length)
        {
            this.length = length;
        }

        @Override
        public final int fixedLength()
        {
            return length;
        }

        @Override
        public final int length(final T value)
        {
            return length;
        }

        final void check(final int actual)
        {
            if (actual != length)
            {
                throw new IllegalArgumentException("expected " + length + " bytes, got " + actual);
            }
        }
    }
}
