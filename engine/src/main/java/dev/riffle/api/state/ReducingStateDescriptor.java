package dev.riffle.api.state;

import dev.riffle.api.functions.ReduceFunction;

import java.util.Objects;

/**
 * Describes a {@link ReducingState}.
 *
 * @param <T> value type.
 */
public final class ReducingStateDescriptor<T> extends StateDescriptor<T>
{
    private final ReduceFunction<T> reduceFunction;

    /**
     * @param name           state name.
     * @param reduceFunction combines added values; must be stateless.
     * @param type           value type.
     */
    public ReducingStateDescriptor(final String name, final ReduceFunction<T> reduceFunction, final Class<T> type)
    {
        super(name, type);
        this.reduceFunction = Objects.requireNonNull(reduceFunction, "reduce function of state " + name);
    }

    /**
     * @return the reduce function.
     */
    public ReduceFunction<T> reduceFunction()
    {
        return reduceFunction;
    }

    @Override
    public Kind kind()
    {
        return Kind.REDUCING;
    }
}
