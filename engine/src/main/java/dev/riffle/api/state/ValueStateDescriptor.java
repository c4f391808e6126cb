package dev.riffle.api.state;

/**
 * Describes a {@link ValueState}.
 *
 * @param <T> value type.
 */
public final class ValueStateDescriptor<T> extends StateDescriptor<T>
{
    private final T defaultValue;

    /**
     * @param name state name.
     * @param type value type.
     */
    public ValueStateDescriptor(final String name, final Class<T> type)
    {
        this(name, type, null);
    }

    /**
     * @param name         state name.
     * @param type         value type.
     * @param defaultValue returned by {@link ValueState#value()} for a key with no value; must be
     *                     immutable (it is shared by all keys).
     */
    public ValueStateDescriptor(final String name, final Class<T> type, final T defaultValue)
    {
        super(name, type);
        if (null != defaultValue && !type.isInstance(defaultValue))
        {
            throw new IllegalArgumentException(
                "default value of state '" + name + "' is a " + defaultValue.getClass().getName() +
                ", not a " + type.getName());
        }
        this.defaultValue = defaultValue;
    }

    /**
     * @return the default value, possibly null.
     */
    public T defaultValue()
    {
        return defaultValue;
    }

    @Override
    public Kind kind()
    {
        return Kind.VALUE;
    }
}
