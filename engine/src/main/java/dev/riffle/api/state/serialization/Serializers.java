package dev.riffle.api.state.serialization;

import dev.riffle.api.state.TypeSerializer;

import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the built-in serializer of a type: primitives and their boxes, {@code String}, {@code byte[]},
 * {@code long[]}, {@code int[]}, {@code double[]}, enums, and records whose components are any of
 * these (records nest). Results are cached; thread-safe.
 */
public final class Serializers
{
    private static final Map<Class<?>, TypeSerializer<?>> BUILT_IN = Map.ofEntries(
        Map.entry(Long.class, FixedLengthSerializers.LONG),
        Map.entry(long.class, FixedLengthSerializers.LONG),
        Map.entry(Integer.class, FixedLengthSerializers.INT),
        Map.entry(int.class, FixedLengthSerializers.INT),
        Map.entry(Short.class, FixedLengthSerializers.SHORT),
        Map.entry(short.class, FixedLengthSerializers.SHORT),
        Map.entry(Byte.class, FixedLengthSerializers.BYTE),
        Map.entry(byte.class, FixedLengthSerializers.BYTE),
        Map.entry(Character.class, FixedLengthSerializers.CHAR),
        Map.entry(char.class, FixedLengthSerializers.CHAR),
        Map.entry(Boolean.class, FixedLengthSerializers.BOOLEAN),
        Map.entry(boolean.class, FixedLengthSerializers.BOOLEAN),
        Map.entry(Double.class, FixedLengthSerializers.DOUBLE),
        Map.entry(double.class, FixedLengthSerializers.DOUBLE),
        Map.entry(Float.class, FixedLengthSerializers.FLOAT),
        Map.entry(float.class, FixedLengthSerializers.FLOAT),
        Map.entry(String.class, StringSerializer.INSTANCE),
        Map.entry(byte[].class, ByteArraySerializer.INSTANCE),
        Map.entry(long[].class, PrimitiveArraySerializers.LONGS),
        Map.entry(int[].class, PrimitiveArraySerializers.INTS),
        Map.entry(double[].class, PrimitiveArraySerializers.DOUBLES));

    private static final Map<Class<?>, TypeSerializer<?>> DERIVED = new ConcurrentHashMap<>();

    private Serializers()
    {
    }

    /**
     * @param type the value or key type.
     * @param <T>  the type.
     * @return its serializer.
     * @throws UnsupportedTypeException if there is no built-in serializer for it.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T> TypeSerializer<T> forType(final Class<T> type)
    {
        final TypeSerializer<?> builtIn = BUILT_IN.get(type);
        if (null != builtIn)
        {
            return (TypeSerializer<T>)builtIn;
        }
        final TypeSerializer<?> derived = DERIVED.get(type);
        if (null != derived)
        {
            return (TypeSerializer<T>)derived;
        }
        final TypeSerializer<?> created;
        if (type.isEnum())
        {
            created = new EnumSerializer(type);
        }
        else if (type.isRecord())
        {
            final RecordComponent[] components = type.getRecordComponents();
            final TypeSerializer<?>[] serializers = new TypeSerializer<?>[components.length];
            for (int i = 0; i < components.length; i++)
            {
                try
                {
                    serializers[i] = forType(components[i].getType());
                }
                catch (final UnsupportedTypeException ex)
                {
                    throw new UnsupportedTypeException(type, "component '" + components[i].getName() + "' is a " +
                        components[i].getType().getName() + ", which has no built-in serializer");
                }
            }
            created = new RecordSerializer(type, serializers);
        }
        else
        {
            throw new UnsupportedTypeException(type, null);
        }
        final TypeSerializer<?> raced = DERIVED.putIfAbsent(type, created);
        return (TypeSerializer<T>)(null == raced ? created : raced);
    }
}
