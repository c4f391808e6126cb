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
    private ValueState<Object> accumulator;

    public AggregateOperator(
        final OperatorIdentity identity, final AtomicCounter recordsIn, final AggregateFunction<IN, ACC, OUT> function)
    {
        super(identity, recordsIn);
        this.function = function;
    }

    @Override
    public void open(final StreamRuntimeContext context) throws Exception
    {
        super.open(context);
        accumulator = context.getState(new ValueStateDescriptor<>(STATE_NAME, Object.class));
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
