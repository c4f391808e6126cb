package dev.riffle.runtime.channel;

import com.lmax.disruptor.EventPoller;

/**
 * The consumer end of a {@link Channel}: polls at most a batch of slots into a {@link SlotHandler}.
 * Only the consuming task's thread may call it. Never waits: returns 0 when nothing is published.
 * <p>
 * Memory ordering: the poller reads the producer's cursor with acquire semantics before reading
 * slots, and after the batch stores its own sequence with release semantics, which hands the
 * consumed slots back to the producer. Slot references are cleared before release so that the ring
 * does not keep consumed records reachable.
 */
public final class ChannelReader implements EventPoller.Handler<StreamSlot>
{
    private final Channel channel;
    private final EventPoller<StreamSlot> poller;
    private final int channelIndex;
    private final SlotHandler handler;
    private int remaining;
    private int delivered;

    /**
     * @param channel      the channel to read.
     * @param channelIndex index passed to the handler.
     * @param handler      receives the slots.
     */
    public ChannelReader(final Channel channel, final int channelIndex, final SlotHandler handler)
    {
        this.channel = channel;
        this.poller = channel.poller();
        this.channelIndex = channelIndex;
        this.handler = handler;
    }

    /**
     * @param limit maximum number of slots to deliver, at least 1.
     * @return number of slots delivered.
     * @throws Exception whatever the handler threw.
     */
    public int poll(final int limit) throws Exception
    {
        remaining = limit;
        delivered = 0;
        poller.poll(this);
        return delivered;
    }

    /**
     * @return the channel read.
     */
    public Channel channel()
    {
        return channel;
    }

    @Override
    public boolean onEvent(final StreamSlot slot, final long sequence, final boolean endOfBatch) throws Exception
    {
        delivered++;
        final boolean more;
        try
        {
            if (slot.kind == StreamSlot.RECORD)
            {
                handler.onRecord(channelIndex, slot);
                more = true;
            }
            else
            {
                more = handler.onControl(channelIndex, slot);
            }
        }
        finally
        {
            slot.clear();
        }
        return more && --remaining > 0;
    }
}
