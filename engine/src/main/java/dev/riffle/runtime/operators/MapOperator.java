package dev.riffle.runtime.operators;

import dev.riffle.api.functions.MapFunction;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Applies a {@link MapFunction}: one output per input.
 */
public final class MapOperator<IN, OUT> extends StreamOperator<IN, OUT>
{
    private final MapFunction<IN, OUT> function;

    public MapOperator(final OperatorIdentity identity, final AtomicCounter recordsIn, final MapFunction<IN, OUT> function)
    {
        super(identity, recordsIn);
        this.function = function;
    }

    @Override
    protected void processElement(final IN record) throws Exception
    {
        output.collect(function.map(record));
    }

    @Override
    protected Object userFunction()
    {
        return function;
    }
}
