package dev.riffle.api.state.serialization;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * {@code long[]}, {@code int[]} and {@code double[]} as their elements, big-endian, without a length
 * prefix (the store records lengths): typical accumulators (sum and count) stay compact.
 */
final class PrimitiveArraySerializers
{
    private PrimitiveArraySerializers()
    {
    }

    static final TypeSerializer<long[]> LONGS = new TypeSerializer<>()
    {
        @Override
        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        @Override
        public int length(final long[] value)
        {
            return value.length * Long.BYTES;
        }

        @Override
        public void write(final long[] value, final MutableDirectBuffer buffer, final int offset)
        {
            for (int i = 0; i < value.length; i++)
            {
                buffer.putLong(offset + i * Long.BYTES, value[i], ByteOrder.BIG_ENDIAN);
            }
        }

        @Override
        public long[] read(final DirectBuffer buffer, final int offset, final int length)
        {
            final long[] value = new long[length / Long.BYTES];
            for (int i = 0; i < value.length; i++)
            {
                value[i] = buffer.getLong(offset + i * Long.BYTES, ByteOrder.BIG_ENDIAN);
            }
            return value;
        }
    };

    static final TypeSerializer<int[]> INTS = new TypeSerializer<>()
    {
        @Override
        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        @Override
        public int length(final int[] value)
        {
            return value.length * Integer.BYTES;
        }

        @Override
        public void write(final int[] value, final MutableDirectBuffer buffer, final int offset)
        {
            for (int i = 0; i < value.length; i++)
            {
                buffer.putInt(offset + i * Integer.BYTES, value[i], ByteOrder.BIG_ENDIAN);
            }
        }

        @Override
        public int[] read(final DirectBuffer buffer, final int offset, final int length)
        {
            final int[] value = new int[length / Integer.BYTES];
            for (int i = 0; i < value.length; i++)
            {
                value[i] = buffer.getInt(offset + i * Integer.BYTES, ByteOrder.BIG_ENDIAN);
            }
            return value;
        }
    };

    static final TypeSerializer<double[]> DOUBLES = new TypeSerializer<>()
    {
        @Override
        public int fixedLength()
        {
            return VARIABLE_LENGTH;
        }

        @Override
        public int length(final double[] value)
        {
            return value.length * Double.BYTES;
        }

        @Override
        public void write(final double[] value, final MutableDirectBuffer buffer, final int offset)
        {
            for (int i = 0; i < value.length; i++)
            {
                buffer.putDouble(offset + i * Double.BYTES, value[i], ByteOrder.BIG_ENDIAN);
            }
        }

        @Override
        public double[] read(final DirectBuffer buffer, final int offset, final int length)
        {
            final double[] value = new double[length / Double.BYTES];
            for (int i = 0; i < value.length; i++)
            {
                value[i] = buffer.getDouble(offset + i * Double.BYTES, ByteOrder.BIG_ENDIAN);
            }
            return value;
        }
    };
}
