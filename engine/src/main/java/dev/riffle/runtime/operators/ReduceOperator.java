package dev.riffle.runtime.operators;

import dev.riffle.api.functions.ReduceFunction;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Rolling reduce on a keyed stream: keeps the reduction of each key in keyed state and emits it after
 * every record.
 */
public final class ReduceOperator<T> extends StreamOperator<T, T>
{
    static final String STATE_NAME = "riffle.reduce";

    private final ReduceFunction<T> function;
    private final Class<?> stateType;
    private ValueState<Object> reduced;

    /**
     * @param stateType the records' type as declared ({@code KeyedStream.reduce(reducer, type)}), or
     *                  {@code Object} when it was not: how the running value is kept in keyed state.
     */
    public ReduceOperator(final OperatorIdentity identity, final AtomicCounter recordsIn, final ReduceFunction<T> function,
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
        reduced = context.getState(new ValueStateDescriptor<>(STATE_NAME, (Class<Object>)stateType));
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void processElement(final T record) throws Exception
    {
        final T previous = (T)reduced.value();
        final T result = null == previous ? record : function.reduce(previous, record);
        reduced.update(result);
        output.collect(result);
    }

    @Override
    protected Object userFunction()
    {
        return function;
    }
}
