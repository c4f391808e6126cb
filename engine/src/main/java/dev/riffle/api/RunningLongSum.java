package dev.riffle.api;

import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.api.functions.LongExtractor;
import dev.riffle.api.functions.RuntimeContext;
import dev.riffle.api.state.LongValueState;
import dev.riffle.api.state.LongValueStateDescriptor;


/**
 * Keyed running sum of a long field, behind {@link KeyedStream#sum} and {@link KeyedStream#count}: a
 * {@link LongValueState}, so the sum is added to in place without boxing on the off-heap backends (the
 * emitted {@link KeyedValue} is the only object per record).
 */
final class RunningLongSum<K, T> extends KeyedProcessFunction<K, T, KeyedValue<K, Long>>
{
    private static final long serialVersionUID = 1L;

    private final LongExtractor<? super T> field;
    private transient LongValueState sum;

    RunningLongSum(final LongExtractor<? super T> field)
    {
        this.field = field;
    }

    @Override
    public void open(final RuntimeContext context) throws Exception
    {
        super.open(context);
        sum = context.getLongState(new LongValueStateDescriptor("riffle.sum"));
    }

    @Override
    public void processElement(final T value, final Context<K> ctx, final Collector<KeyedValue<K, Long>> out)
    {
        final long total = sum.add(field.extract(value));
        out.collect(new KeyedValue<>(ctx.getCurrentKey(), total));
    }
}
