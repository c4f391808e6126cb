package dev.riffle.api.state.serialization;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteOrder;

/**
 * A Java record whose components all have serializers: components in declaration order, fixed-length
 * ones inline, variable-length ones after a 4-byte length. A null component is not supported and
 * fails {@link #write} naming it. Uses reflection: fine for state values, not a per-record fast path.
 *
 * @param <R> record type.
 */
final class RecordSerializer<R extends Record> implements TypeSerializer<R>
{
    private final Class<R> type;
    private final Method[] accessors;
    private final TypeSerializer<Object>[] components;
    private final String[] names;
    private final Constructor<R> constructor;
    private final int fixedLength;

    @SuppressWarnings("unchecked")
    RecordSerializer(final Class<R> type, final TypeSerializer<?>[] componentSerializers)
    {
        this.type = type;
        final RecordComponent[] recordComponents = type.getRecordComponents();
        this.accessors = new Method[recordComponents.length];
        this.names = new String[recordComponents.length];
        this.components = new TypeSerializer[recordComponents.length];
        final Class<?>[] parameterTypes = new Class<?>[recordComponents.length];
        int fixed = 0;
        for (int i = 0; i < recordComponents.length; i++)
        {
            accessors[i] = recordComponents[i].getAccessor();
            accessors[i].setAccessible(true);
            names[i] = recordComponents[i].getName();
            components[i] = (TypeSerializer<Object>)componentSerializers[i];
            parameterTypes[i] = recordComponents[i].getType();
            fixed = fixed < 0 || components[i].fixedLength() < 0 ? VARIABLE_LENGTH : fixed + components[i].fixedLength();
        }
        this.fixedLength = fixed;
        try
        {
            this.constructor = type.getDeclaredConstructor(parameterTypes);
            this.constructor.setAccessible(true);
        }
        catch (final NoSuchMethodException ex)
        {
            throw new IllegalArgumentException("record " + type.getName() + " has no canonical constructor", ex);
        }
    }

    @Override
    public int fixedLength()
    {
        return fixedLength;
    }

    @Override
    public int length(final R value)
    {
        int length = 0;
        for (int i = 0; i < components.length; i++)
        {
            final TypeSerializer<Object> component = components[i];
            final Object v = component(value, i);
            length += component.fixedLength() >= 0 ? component.fixedLength() : Integer.BYTES + component.length(v);
        }
        return length;
    }

    @Override
    public void write(final R value, final MutableDirectBuffer buffer, final int offset)
    {
        int position = offset;
        for (int i = 0; i < components.length; i++)
        {
            final TypeSerializer<Object> component = components[i];
            final Object v = component(value, i);
            if (component.fixedLength() >= 0)
            {
                component.write(v, buffer, position);
                position += component.fixedLength();
            }
            else
            {
                final int length = component.length(v);
                buffer.putInt(position, length, ByteOrder.BIG_ENDIAN);
                component.write(v, buffer, position + Integer.BYTES);
                position += Integer.BYTES + length;
            }
        }
    }

    @Override
    public R read(final DirectBuffer buffer, final int offset, final int length)
    {
        final Object[] values = new Object[components.length];
        int position = offset;
        final int end = offset + length;
        for (int i = 0; i < components.length; i++)
        {
            final TypeSerializer<Object> component = components[i];
            final int componentLength;
            if (component.fixedLength() >= 0)
            {
                componentLength = component.fixedLength();
            }
            else
            {
                componentLength = buffer.getInt(position, ByteOrder.BIG_ENDIAN);
                position += Integer.BYTES;
            }
            if (componentLength < 0 || position + componentLength > end)
            {
                throw new IllegalArgumentException("truncated " + type.getName() + " at component " + names[i]);
            }
            values[i] = component.read(buffer, position, componentLength);
            position += componentLength;
        }
        try
        {
            return constructor.newInstance(values);
        }
        catch (final InstantiationException | IllegalAccessException | InvocationTargetException ex)
        {
            throw new IllegalArgumentException("cannot create " + type.getName() + ": " + ex, ex);
        }
    }

    private Object component(final R value, final int index)
    {
        final Object v;
        try
        {
            v = accessors[index].invoke(value);
        }
        catch (final IllegalAccessException | InvocationTargetException ex)
        {
            throw new IllegalStateException("cannot read " + type.getName() + "." + names[index], ex);
        }
        if (null == v)
        {
            throw new NullPointerException(type.getName() + "." + names[index] + " is null: state cannot store it");
        }
        return v;
    }
}
