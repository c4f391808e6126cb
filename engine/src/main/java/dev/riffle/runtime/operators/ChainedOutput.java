package dev.riffle.runtime.operators;

import dev.riffle.api.functions.Collector;

/**
 * Calls the next operator of the chain directly, on the same thread: no channel, no copy.
 */
public final class ChainedOutput implements Collector<Object>
{
    private final StreamOperator<Object, ?> next;

    /**
     * @param next the downstream operator.
     */
    @SuppressWarnings("unchecked")
    public ChainedOutput(final StreamOperator<?, ?> next)
    {
        this.next = (StreamOperator<Object, ?>)next;
    }

    @Override
    public void collect(final Object record)
    {
        next.process(record);
    }
}
