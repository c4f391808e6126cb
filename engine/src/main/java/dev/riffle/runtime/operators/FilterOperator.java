package dev.riffle.runtime.operators;

import dev.riffle.api.functions.FilterFunction;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Forwards the records a {@link FilterFunction} accepts.
 */
public final class FilterOperator<T> extends StreamOperator<T, T>
{
    private final FilterFunction<T> function;

    public FilterOperator(final OperatorIdentity identity, final AtomicCounter recordsIn, final FilterFunction<T> function)
    {
        super(identity, recordsIn);
        this.function = function;
    }

    @Override
    protected void processElement(final T record) throws Exception
    {
        if (function.filter(record))
        {
            output.collect(record);
        }
    }

    @Override
    protected Object userFunction()
    {
        return function;
    }
}
