package dev.riffle.runtime.operators;

import dev.riffle.api.functions.ProcessFunction;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Runs a {@link ProcessFunction}; the operator itself is the reused per-record context.
 */
public final class ProcessOperator<IN, OUT> extends StreamOperator<IN, OUT> implements ProcessFunction.Context
{
    private final ProcessFunction<IN, OUT> function;
    private final RecordContext recordContext;

    public ProcessOperator(
        final OperatorIdentity identity,
        final AtomicCounter recordsIn,
        final ProcessFunction<IN, OUT> function,
        final RecordContext recordContext)
    {
        super(identity, recordsIn);
        this.function = function;
        this.recordContext = recordContext;
    }

    @Override
    protected void processElement(final IN record) throws Exception
    {
        function.processElement(record, this, output);
    }

    @Override
    public long timestamp()
    {
        return recordContext.timestamp();
    }

    @Override
    protected Object userFunction()
    {
        return function;
    }
}
