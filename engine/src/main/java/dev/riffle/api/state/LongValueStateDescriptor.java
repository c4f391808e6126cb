package dev.riffle.api.state;

/**
 * Describes a {@link LongValueState}. Its stored type is {@code long} (the primitive class), which keeps
 * it apart from a {@code ValueState<Long>} of the same name.
 */
public final class LongValueStateDescriptor extends StateDescriptor<Long>
{
    private final long defaultValue;

    /**
     * A state whose keys start at 0.
     *
     * @param name state name.
     */
    public LongValueStateDescriptor(final String name)
    {
        this(name, 0L);
    }

    /**
     * @param name         state name.
     * @param defaultValue the value of a key that has none: what {@link LongValueState#value()} returns
     *                     and what {@link LongValueState#add} adds to.
     */
    public LongValueStateDescriptor(final String name, final long defaultValue)
    {
        super(name, long.class);
        this.defaultValue = defaultValue;
    }

    /**
     * @return the value of a key that has none.
     */
    public long defaultValue()
    {
        return defaultValue;
    }

    @Override
    public Kind kind()
    {
        return Kind.VALUE;
    }
}
