package dev.riffle.state.offheap;

import dev.riffle.api.functions.AggregateFunction;
import dev.riffle.api.state.AggregatingState;

import java.util.Objects;

/**
 * The accumulator of the values added for a key, kept as one value.
 */
final class OffHeapAggregatingState<IN, ACC, OUT> implements AggregatingState<IN, OUT>
{
    private final OffHeapValueState<ACC> accumulator;
    private final AggregateFunction<IN, ACC, OUT> function;

    OffHeapAggregatingState(final OffHeapValueState<ACC> accumulator, final AggregateFunction<IN, ACC, OUT> function)
    {
        this.accumulator = accumulator;
        this.function = function;
    }

    @Override
    public OUT get()
    {
        final ACC acc = accumulator.value();
        return null == acc ? null : function.getResult(acc);
    }

    @Override
    public void add(final IN value)
    {
        Objects.requireNonNull(value, "aggregating state value");
        ACC acc = accumulator.value();
        if (null == acc)
        {
            acc = function.createAccumulator();
        }
        accumulator.update(function.add(value, acc));
    }

    @Override
    public void clear()
    {
        accumulator.clear();
    }
}
