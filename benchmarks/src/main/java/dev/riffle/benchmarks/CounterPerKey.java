package dev.riffle.benchmarks;

import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.api.functions.RuntimeContext;
import dev.riffle.api.state.LongValueState;
import dev.riffle.api.state.LongValueStateDescriptor;

/**
 * Counts each key's records in a {@link LongValueState} named {@code count} and forwards the record
 * itself: state access and emission without a boxed object, so that {@code -prof gc} shows what the
 * runtime and the state backend allocate per record, and a latency run is not measuring the GC of
 * {@code Long}s.
 *
 * @param <K> key type.
 * @param <T> record type.
 */
final class CounterPerKey<K, T> extends KeyedProcessFunction<K, T, T>
{
    private static final long serialVersionUID = 1L;

    private transient LongValueState count;

    @Override
    public void open(final RuntimeContext context)
    {
        count = context.getLongState(new LongValueStateDescriptor("count"));
    }

    @Override
    public void processElement(final T value, final Context<K> ctx, final Collector<T> out)
    {
        count.add(1);
        out.collect(value);
    }
}
