package dev.riffle.runtime.operators;

import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.state.KeyedStateBackend;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Runs a {@link KeyedProcessFunction}; the task has set the state backend's current key before each
 * record. The operator itself is the reused per-record context.
 */
public final class KeyedProcessOperator<K, IN, OUT> extends StreamOperator<IN, OUT>
    implements KeyedProcessFunction.Context<K>
{
    private final KeyedProcessFunction<K, IN, OUT> function;
    private final RecordContext recordContext;
    private final KeyedStateBackend backend;

    public KeyedProcessOperator(
        final OperatorIdentity identity,
        final AtomicCounter recordsIn,
        final KeyedProcessFunction<K, IN, OUT> function,
        final RecordContext recordContext,
        final KeyedStateBackend backend)
    {
        super(identity, recordsIn);
        this.function = function;
        this.recordContext = recordContext;
        this.backend = backend;
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
    @SuppressWarnings("unchecked")
    public K getCurrentKey()
    {
        return (K)backend.currentKey();
    }

    @Override
    protected Object userFunction()
    {
        return function;
    }
}
