package dev.riffle.api.state.serialization;

/**
 * A type that no built-in serializer handles and for which none was given.
 */
public final class UnsupportedTypeException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final transient Class<?> type;

    /**
     * @param type   the type.
     * @param reason why, or null.
     */
    public UnsupportedTypeException(final Class<?> type, final String reason)
    {
        super("no serializer for " + type.getName() + (null == reason ? "" : " (" + reason + ")") +
            ": built-in serializers cover primitives and their boxes, String, byte[], enums and records of " +
            "those; give the state descriptor a TypeSerializer for anything else");
        this.type = type;
    }

    /**
     * @return the type.
     */
    public Class<?> type()
    {
        return type;
    }
}
