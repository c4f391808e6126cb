package dev.riffle.api.state;

import dev.riffle.api.functions.AggregateFunction;

import java.util.Objects;

/**
 * Describes an {@link AggregatingState}. {@link #type()} is the accumulator type, which is what the
 * backend stores.
 *
 * @param <IN>  input type.
 * @param <ACC> accumulator type.
 * @param <OUT> result type.
 */
public final class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<ACC>
{
    private final AggregateFunction<IN, ACC, OUT> aggregateFunction;

    /**
     * @param name              state name.
     * @param aggregateFunction the aggregation; must be stateless.
     * @param accumulatorType   accumulator type.
     */
    public AggregatingStateDescriptor(
        final String name, final AggregateFunction<IN, ACC, OUT> aggregateFunction, final Class<ACC> accumulatorType)
    {
        super(name, accumulatorType);
        this.aggregateFunction = Objects.requireNonNull(aggregateFunction, "aggregate function of state " + name);
    }

    /**
     * @return the aggregate function.
     */
    public AggregateFunction<IN, ACC, OUT> aggregateFunction()
    {
        return aggregateFunction;
    }

    @Override
    public Kind kind()
    {
        return Kind.AGGREGATING;
    }
}
