package dev.riffle.api;

import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.api.functions.DoubleExtractor;
import dev.riffle.api.functions.RuntimeContext;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;


/**
 * Keyed running sum of a double field, behind {@link KeyedStream#sumDouble}.
 */
final class RunningDoubleSum<K, T> extends KeyedProcessFunction<K, T, KeyedValue<K, Double>>
{
    private static final long serialVersionUID = 1L;

    private final DoubleExtractor<? super T> field;
    private transient ValueState<Double> sum;

    RunningDoubleSum(final DoubleExtractor<? super T> field)
    {
        this.field = field;
    }

    @Override
    public void open(final RuntimeContext context) throws Exception
    {
        super.open(context);
        sum = context.getState(new ValueStateDescriptor<>("riffle.sum", Double.class, 0.0));
    }

    @Override
    public void processElement(final T value, final Context<K> ctx, final Collector<KeyedValue<K, Double>> out)
    {
        final double total = sum.value() + field.extract(value);
        sum.update(total);
        out.collect(new KeyedValue<>(ctx.getCurrentKey(), total));
    }
}
