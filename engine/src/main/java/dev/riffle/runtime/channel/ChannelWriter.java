package dev.riffle.runtime.channel;

import com.lmax.disruptor.RingBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The producer end of a {@link Channel}. Only the producing task's thread may call it.
 * <p>
 * Backpressure: when the ring is full the writer waits with the given idle strategy until the
 * consumer frees a slot, checking the {@link StopSignal} between idle periods; it never drops a
 * record and never allocates. If the task must stop meanwhile it throws
 * {@link TaskStoppedException}.
 * <p>
 * Memory ordering: slot fields are written plainly, then {@link RingBuffer#publish(long)} stores the
 * cursor with release semantics, which makes them visible to the consumer that acquires the cursor.
 */
public final class ChannelWriter
{
    private final Channel channel;
    private final RingBuffer<StreamSlot> ring;
    private final IdleStrategy idleStrategy;
    private final StopSignal stopSignal;

    /**
     * @param channel      the channel to write.
     * @param idleStrategy how to wait while the ring is full; owned by the producing thread.
     * @param stopSignal   checked while waiting.
     */
    public ChannelWriter(final Channel channel, final IdleStrategy idleStrategy, final StopSignal stopSignal)
    {
        this.channel = channel;
        this.ring = channel.ring();
        this.idleStrategy = idleStrategy;
        this.stopSignal = stopSignal;
    }

    /**
     * @param value     the record, not null.
     * @param key       its key on a keyed channel, else null.
     * @param keyGroup  its key group on a keyed channel, else 0.
     * @param timestamp record timestamp or {@link Long#MIN_VALUE}.
     */
    public void writeRecord(final Object value, final Object key, final int keyGroup, final long timestamp)
    {
        final long sequence = claim();
        final StreamSlot slot = ring.get(sequence);
        slot.kind = StreamSlot.RECORD;
        slot.value = value;
        slot.key = key;
        slot.keyGroup = keyGroup;
        slot.timestamp = timestamp;
        ring.publish(sequence);
    }

    /**
     * Sends a control event (end of input, barrier, watermark) in order with the records.
     *
     * @param kind      slot kind.
     * @param timestamp watermark or {@link Long#MIN_VALUE}.
     * @param control   control payload, e.g. a checkpoint id.
     */
    public void writeControl(final byte kind, final long timestamp, final long control)
    {
        final long sequence = claim();
        final StreamSlot slot = ring.get(sequence);
        slot.kind = kind;
        slot.value = null;
        slot.key = null;
        slot.timestamp = timestamp;
        slot.control = control;
        ring.publish(sequence);
    }

    /**
     * @return the channel this writer feeds.
     */
    public Channel channel()
    {
        return channel;
    }

    private long claim()
    {
        if (!ring.hasAvailableCapacity(1))
        {
            awaitCapacity();
        }
        return ring.next();
    }

    private void awaitCapacity()
    {
        idleStrategy.reset();
        while (!ring.hasAvailableCapacity(1))
        {
            if (stopSignal.isStopRequested())
            {
                throw TaskStoppedException.INSTANCE;
            }
            idleStrategy.idle();
        }
    }
}
