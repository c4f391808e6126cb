package dev.riffle.runtime.operators;

import dev.riffle.api.functions.Collector;

/**
 * Sends every record to each of several outputs, in order: used when one operator feeds several.
 * The same record object reaches every consumer, as in Flink with object reuse disabled for
 * immutable records: records must not be mutated downstream.
 */
public final class FanOutOutput implements Collector<Object>
{
    private final Collector<Object>[] targets;

    /**
     * @param targets outputs, at least two.
     */
    public FanOutOutput(final Collector<Object>[] targets)
    {
        this.targets = targets.clone();
    }

    @Override
    public void collect(final Object record)
    {
        for (final Collector<Object> target : targets)
        {
            target.collect(record);
        }
    }
}
