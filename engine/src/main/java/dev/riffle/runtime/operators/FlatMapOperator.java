package dev.riffle.runtime.operators;

import dev.riffle.api.functions.FlatMapFunction;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Applies a {@link FlatMapFunction}: any number of outputs per input.
 */
public final class FlatMapOperator<IN, OUT> extends StreamOperator<IN, OUT>
{
    private final FlatMapFunction<IN, OUT> function;

    public FlatMapOperator(
        final OperatorIdentity identity, final AtomicCounter recordsIn, final FlatMapFunction<IN, OUT> function)
    {
        super(identity, recordsIn);
        this.function = function;
    }

    @Override
    protected void processElement(final IN record) throws Exception
    {
        function.flatMap(record, output);
    }

    @Override
    protected Object userFunction()
    {
        return function;
    }
}
