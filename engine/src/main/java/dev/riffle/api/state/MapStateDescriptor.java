package dev.riffle.api.state;

import java.util.Objects;

/**
 * Describes a {@link MapState}. {@link #type()} is the user value type.
 *
 * @param <UK> user key type.
 * @param <UV> user value type.
 */
public final class MapStateDescriptor<UK, UV> extends StateDescriptor<UV>
{
    private final Class<UK> keyType;

    /**
     * @param name      state name.
     * @param keyType   user key type.
     * @param valueType user value type.
     */
    public MapStateDescriptor(final String name, final Class<UK> keyType, final Class<UV> valueType)
    {
        super(name, valueType);
        this.keyType = Objects.requireNonNull(keyType, "user key type of " + name);
    }

    /**
     * @return the user key type.
     */
    public Class<UK> keyType()
    {
        return keyType;
    }

    @Override
    public Kind kind()
    {
        return Kind.MAP;
    }

    @Override
    public String toString()
    {
        return kind() + " state '" + name() + "' of " + keyType.getName() + " -> " + type().getName();
    }
}
