package dev.riffle.api.state;

import java.util.Objects;

/**
 * Names a keyed state and its stored type. Two descriptors with the same name in one operator must
 * describe the same state (same kind and types), or the second registration fails.
 *
 * @param <T> the type the backend stores for each key (the value, element or accumulator type).
 */
public abstract class StateDescriptor<T>
{
    private final String name;
    private final Class<T> type;

    /**
     * @param name non-empty state name, unique within an operator.
     * @param type stored type.
     * @throws NullPointerException     if an argument is null.
     * @throws IllegalArgumentException if the name is empty.
     */
    protected StateDescriptor(final String name, final Class<T> type)
    {
        this.name = Objects.requireNonNull(name, "state name");
        this.type = Objects.requireNonNull(type, "state type of " + name);
        if (name.isEmpty())
        {
            throw new IllegalArgumentException("state name must not be empty");
        }
    }

    /**
     * @return the state name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the stored type.
     */
    public Class<T> type()
    {
        return type;
    }

    /**
     * @return the kind of state, used to detect a name registered twice with different kinds.
     */
    public abstract Kind kind();

    /**
     * The kinds of keyed state.
     */
    public enum Kind
    {
        /** {@link ValueState}. */
        VALUE,
        /** {@link ListState}. */
        LIST,
        /** {@link MapState}. */
        MAP,
        /** {@link ReducingState}. */
        REDUCING,
        /** {@link AggregatingState}. */
        AGGREGATING
    }

    @Override
    public String toString()
    {
        return kind() + " state '" + name + "' of " + type.getName();
    }
}
