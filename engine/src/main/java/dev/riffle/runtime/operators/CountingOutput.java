package dev.riffle.runtime.operators;

import dev.riffle.api.functions.Collector;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The output of one operator instance: counts records and rejects null before passing them on.
 * Confined to the task thread; the counter is written with release semantics so that a metrics
 * reader on another thread sees a recent value.
 */
public final class CountingOutput implements Collector<Object>
{
    private final OperatorIdentity identity;
    private final AtomicCounter recordsOut;
    private final Collector<Object> target;

    /**
     * @param identity   the emitting operator, named if it emits null.
     * @param recordsOut its output counter.
     * @param target     where records go.
     */
    public CountingOutput(final OperatorIdentity identity, final AtomicCounter recordsOut, final Collector<Object> target)
    {
        this.identity = identity;
        this.recordsOut = recordsOut;
        this.target = target;
    }

    @Override
    public void collect(final Object record)
    {
        if (null == record)
        {
            throw new NullPointerException("operator " + identity + " emitted a null record");
        }
        recordsOut.incrementRelease();
        target.collect(record);
    }
}
