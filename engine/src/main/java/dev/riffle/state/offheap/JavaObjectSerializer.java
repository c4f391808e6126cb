package dev.riffle.state.offheap;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/**
 * Java serialization, only for states declared with type {@code Object} (the rolling reduce and
 * aggregate operators, whose record type is erased): slow and allocating, but correct for any
 * {@link java.io.Serializable} value. The bytes computed for {@code length} are reused by the
 * {@code write} that immediately follows it, and dropped then (values may be mutated between writes).
 */
final class JavaObjectSerializer implements TypeSerializer<Object>
{
    private final String stateName;
    private Object lastValue;
    private byte[] lastBytes;

    JavaObjectSerializer(final String stateName)
    {
        this.stateName = stateName;
    }

    @Override
    public int fixedLength()
    {
        return VARIABLE_LENGTH;
    }

    @Override
    public int length(final Object value)
    {
        lastBytes = serialize(value);
        lastValue = value;
        return lastBytes.length;
    }

    @Override
    public void write(final Object value, final MutableDirectBuffer buffer, final int offset)
    {
        final byte[] bytes = value == lastValue && null != lastBytes ? lastBytes : serialize(value);
        lastValue = null;
        lastBytes = null;
        buffer.putBytes(offset, bytes);
    }

    @Override
    public Object read(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)))
        {
            return in.readObject();
        }
        catch (final IOException | ClassNotFoundException ex)
        {
            throw new IllegalArgumentException("cannot read a value of state '" + stateName + "': " + ex, ex);
        }
    }

    private byte[] serialize(final Object value)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream objects = new ObjectOutputStream(out))
        {
            objects.writeObject(value);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("state '" + stateName + "' holds a " + value.getClass().getName() +
                ", which cannot be serialized: " + ex, ex);
        }
        return out.toByteArray();
    }
}
