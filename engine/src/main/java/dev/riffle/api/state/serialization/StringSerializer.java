package dev.riffle.api.state.serialization;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 bytes of a string, without a length prefix (the store records lengths). ASCII strings, the
 * common case for keys, are written char by char without an intermediate array.
 */
final class StringSerializer implements TypeSerializer<String>
{
    static final StringSerializer INSTANCE = new StringSerializer();

    @Override
    public int fixedLength()
    {
        return VARIABLE_LENGTH;
    }

    @Override
    public int length(final String value)
    {
        final int chars = value.length();
        int bytes = 0;
        for (int i = 0; i < chars; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                bytes++;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                bytes += 4;
                i++;
            }
            else
            {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public void write(final String value, final MutableDirectBuffer buffer, final int offset)
    {
        final int chars = value.length();
        for (int i = 0; i < chars; i++)
        {
            if (value.charAt(i) >= 0x80)
            {
                final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                buffer.putBytes(offset, utf8);
                return;
            }
            buffer.putByte(offset + i, (byte)value.charAt(i));
        }
    }

    @Override
    public String read(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer.getStringWithoutLengthUtf8(offset, length);
    }
}
