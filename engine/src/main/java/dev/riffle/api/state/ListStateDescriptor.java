package dev.riffle.api.state;

/**
 * Describes a {@link ListState}.
 *
 * @param <T> element type.
 */
public final class ListStateDescriptor<T> extends StateDescriptor<T>
{
    /**
     * @param name        state name.
     * @param elementType element type.
     */
    public ListStateDescriptor(final String name, final Class<T> elementType)
    {
        super(name, elementType);
    }

    @Override
    public Kind kind()
    {
        return Kind.LIST;
    }
}
