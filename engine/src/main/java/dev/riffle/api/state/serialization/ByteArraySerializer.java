package dev.riffle.api.state.serialization;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A byte array as itself.
 */
final class ByteArraySerializer implements TypeSerializer<byte[]>
{
    static final ByteArraySerializer INSTANCE = new ByteArraySerializer();

    @Override
    public int fixedLength()
    {
        return VARIABLE_LENGTH;
    }

    @Override
    public int length(final byte[] value)
    {
        return value.length;
    }

    @Override
    public void write(final byte[] value, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putBytes(offset, value);
    }

    @Override
    public byte[] read(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] value = new byte[length];
        buffer.getBytes(offset, value);
        return value;
    }
}
