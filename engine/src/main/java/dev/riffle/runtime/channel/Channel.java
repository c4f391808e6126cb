package dev.riffle.runtime.channel;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;

/**
 * A bounded single-producer, single-consumer channel between two task instances: a Disruptor
 * {@link RingBuffer} of pre-allocated {@link StreamSlot}s and one {@link EventPoller} for the reader.
 * <p>
 * Neither side blocks inside the Disruptor: the producer checks capacity before claiming and waits
 * with its task's idle strategy ({@link ChannelWriter}); the consumer polls ({@link ChannelReader}).
 * The wait strategy is therefore never waited on; {@link BusySpinWaitStrategy} is chosen because its
 * publish-side signal is a no-op, where the default blocking strategy would take a lock on every
 * publish.
 */
public final class Channel
{
    private final String name;
    private final RingBuffer<StreamSlot> ring;
    private final EventPoller<StreamSlot> poller;

    /**
     * @param name     for diagnostics, e.g. {@code "Map[0] -> Sink[1]"}.
     * @param capacity number of slots, a power of two.
     * @throws IllegalArgumentException if capacity is not a power of two.
     */
    public Channel(final String name, final int capacity)
    {
        this.name = name;
        this.ring = RingBuffer.createSingleProducer(StreamSlot::new, capacity, new BusySpinWaitStrategy());
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    /**
     * @return diagnostic name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return number of slots.
     */
    public int capacity()
    {
        return ring.getBufferSize();
    }

    /**
     * @return slots published and not yet consumed; a racy estimate for metrics and tests.
     */
    public long backlog()
    {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    RingBuffer<StreamSlot> ring()
    {
        return ring;
    }

    EventPoller<StreamSlot> poller()
    {
        return poller;
    }

    @Override
    public String toString()
    {
        return "Channel{" + name + ", capacity=" + capacity() + '}';
    }
}
