package dev.riffle.runtime.operators;

import dev.riffle.api.functions.Collector;
import dev.riffle.runtime.channel.ChannelWriter;

/**
 * Writes every record to the one channel towards the consumer instance with the same index.
 */
public final class ForwardOutput implements Collector<Object>
{
    private final ChannelWriter writer;
    private final RecordContext recordContext;

    /**
     * @param writer        the channel.
     * @param recordContext source of the current record's timestamp.
     */
    public ForwardOutput(final ChannelWriter writer, final RecordContext recordContext)
    {
        this.writer = writer;
        this.recordContext = recordContext;
    }

    @Override
    public void collect(final Object record)
    {
        writer.writeRecord(record, null, 0, recordContext.timestamp());
    }
}
