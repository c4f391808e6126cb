package dev.riffle.benchmarks;

import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.api.functions.RuntimeContext;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;

/**
 * The keyed count the benchmark jobs run: a {@code ValueState<Long>} named {@code count} per key,
 * incremented per record, the new count emitted.
 *
 * @param <K> key type.
 * @param <T> record type.
 */
final class CountPerKey<K, T> extends KeyedProcessFunction<K, T, Long>
{
    private static final long serialVersionUID = 1L;

    private transient ValueState<Long> count;

    @Override
    public void open(final RuntimeContext context)
    {
        count = context.getState(new ValueStateDescriptor<>("count", Long.class, 0L));
    }

    @Override
    public void processElement(final T value, final Context<K> ctx, final Collector<Long> out)
    {
        final long next = count.value() + 1;
        count.update(next);
        out.collect(next);
    }
}
