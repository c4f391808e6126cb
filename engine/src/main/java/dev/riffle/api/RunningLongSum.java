package dev.riffle.api;

import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.api.functions.LongExtractor;
import dev.riffle.api.functions.RuntimeContext;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;


/**
 * Keyed running sum of a long field, behind {@link KeyedStream#sum} and {@link KeyedStream#count}.
 */
final class RunningLongSum<K, T> extends KeyedProcessFunction<K, T, KeyedValue<K, Long>>
{
    private static final long serialVersionUID = 1L;

    private final LongExtractor<? super T> field;
    private transient ValueState<Long> sum;

    RunningLongSum(final LongExtractor<? super T> field)
    {
        this.field = field;
    }

    @Override
    public void open(final RuntimeContext context) throws Exception
    {
        super.open(context);
        sum = context.getState(new ValueStateDescriptor<>("riffle.sum", Long.class, 0L));
    }

    @Override
    public void processElement(final T value, final Context<K> ctx, final Collector<KeyedValue<K, Long>> out)
    {
        final long total = sum.value() + field.extract(value);
        sum.update(total);
        out.collect(new KeyedValue<>(ctx.getCurrentKey(), total));
    }
}
