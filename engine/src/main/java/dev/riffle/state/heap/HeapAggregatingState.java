package dev.riffle.state.heap;

import dev.riffle.api.functions.AggregateFunction;
import dev.riffle.api.state.AggregatingState;

import java.util.Objects;

final class HeapAggregatingState<IN, ACC, OUT> implements AggregatingState<IN, OUT>
{
    private final KeyGroupedMap<ACC> entries;
    private final AggregateFunction<IN, ACC, OUT> function;

    HeapAggregatingState(final KeyGroupedMap<ACC> entries, final AggregateFunction<IN, ACC, OUT> function)
    {
        this.entries = entries;
        this.function = function;
    }

    @Override
    public OUT get()
    {
        final ACC acc = entries.get();
        return null == acc ? null : function.getResult(acc);
    }

    @Override
    public void add(final IN value)
    {
        Objects.requireNonNull(value, "aggregating state value");
        ACC acc = entries.get();
        if (null == acc)
        {
            acc = function.createAccumulator();
        }
        entries.put(function.add(value, acc));
    }

    @Override
    public void clear()
    {
        entries.remove();
    }
}
