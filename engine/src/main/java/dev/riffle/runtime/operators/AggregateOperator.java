package dev.riffle.runtime.operators;

import dev.riffle.api.functions.AggregateFunction;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Rolling aggregation on a keyed stream: keeps each key's accumulator in keyed state and emits the
 * result after every record.
 */
public final class AggregateOperator<IN, ACC, OUT> extends StreamOperator<IN, OUT>
{
    static final String STATE_NAME = "riffle.aggregate";

    private final AggregateFunction<IN, ACC, OUT> function;
    private final Class<?> stateType;
    private ValueState<Object> accumulator;

    /**
     * @param stateType the accumulator's type as declared ({@code KeyedStream.aggregate(aggregate, type)}),
     *                  or {@code Object} when it was not: how the accumulator is kept in keyed state.
     */
    public AggregateOperator(
        final OperatorIdentity identity, final AtomicCounter recordsIn, final AggregateFunction<IN, ACC, OUT> function,
        final Class<?> stateType)
    {
        super(identity, recordsIn);
        this.function = function;
        this.stateType = stateType;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(final StreamRuntimeContext context) throws Exception
    {
        super.open(context);
        accumulator = context.getState(new ValueStateDescriptor<>(STATE_NAME, (Class<Object>)stateType));
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void processElement(final IN record)
    {
        ACC acc = (ACC)accumulator.value();
        if (null == acc)
        {
            acc = function.createAccumulator();
        }
        acc = function.add(record, acc);
        accumulator.update(acc);
        output.collect(function.getResult(acc));
    }

    @Override
    protected Object userFunction()
    {
        return function;
    }
}
