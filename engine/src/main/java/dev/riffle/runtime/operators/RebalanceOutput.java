package dev.riffle.runtime.operators;

import dev.riffle.api.functions.Collector;
import dev.riffle.runtime.channel.ChannelWriter;

/**
 * Distributes records round robin over the channels to every consumer instance. Each producer
 * instance starts at its own index so that producers do not all hit consumer 0 first.
 */
public final class RebalanceOutput implements Collector<Object>
{
    private final ChannelWriter[] writers;
    private final RecordContext recordContext;
    private int next;

    /**
     * @param writers       one channel per consumer instance, by consumer index.
     * @param recordContext source of the current record's timestamp.
     * @param start         index of the first consumer to receive a record.
     */
    public RebalanceOutput(final ChannelWriter[] writers, final RecordContext recordContext, final int start)
    {
        this.writers = writers.clone();
        this.recordContext = recordContext;
        this.next = start % writers.length;
    }

    @Override
    public void collect(final Object record)
    {
        writers[next].writeRecord(record, null, 0, recordContext.timestamp());
        if (++next == writers.length)
        {
            next = 0;
        }
    }
}
