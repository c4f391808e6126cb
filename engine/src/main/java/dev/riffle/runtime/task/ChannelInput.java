package dev.riffle.runtime.task;

import dev.riffle.runtime.channel.Channel;
import dev.riffle.runtime.channel.ChannelReader;
import dev.riffle.runtime.channel.SlotHandler;
import dev.riffle.runtime.channel.StreamSlot;
import dev.riffle.runtime.operators.RecordContext;
import dev.riffle.runtime.operators.StreamOperator;
import dev.riffle.state.KeyedStateBackend;

/**
 * Input of a task fed by upstream tasks: polls each of its channels for up to a batch in turn, so
 * that one busy channel cannot starve the others, and hands records to the head operator. On a keyed
 * input, the key and key group computed by the producer become the state backend's current key.
 * The input has ended when every channel has delivered its end of input.
 * <p>
 * Barriers: the task checkpoints when every channel still open has delivered barrier n. With
 * alignment (exactly once), a channel that delivered it is not polled again until then, so the
 * snapshot holds exactly the records before the barriers. Without alignment (at least once), no
 * channel is held back: records after the barrier on an early channel are already in the snapshot
 * and are processed again after a restore, so nothing is lost but some records count twice. A
 * channel that ended counts as aligned.
 */
public final class ChannelInput implements TaskInput, SlotHandler
{
    private final ChannelReader[] readers;
    private final boolean[] ended;
    private final StreamOperator<Object, ?> head;
    private final KeyedStateBackend keyedState;
    private final RecordContext recordContext;
    private final int batchSize;
    private final boolean aligned;
    private final boolean[] blocked;
    private BarrierListener barrierListener;
    private int endedCount;
    private long currentBarrier;
    private boolean currentBarrierFinal;
    private final boolean[] barrierSeen;
    private boolean barrierInProgress;
    private int alignedChannels;

    /**
     * @param channels      the task's input channels.
     * @param head          the operator receiving the records.
     * @param keyedState    the head's keyed state if its input is keyed, else null.
     * @param recordContext the task's record context.
     * @param batchSize     maximum slots per channel per poll.
     * @param aligned       true to align barriers (exactly once).
     */
    @SuppressWarnings("unchecked")
    public ChannelInput(
        final Channel[] channels,
        final StreamOperator<?, ?> head,
        final KeyedStateBackend keyedState,
        final RecordContext recordContext,
        final int batchSize,
        final boolean aligned)
    {
        this.aligned = aligned;
        this.blocked = new boolean[channels.length];
        this.barrierSeen = new boolean[channels.length];
        this.readers = new ChannelReader[channels.length];
        for (int i = 0; i < channels.length; i++)
        {
            readers[i] = new ChannelReader(channels[i], i, this);
        }
        this.ended = new boolean[channels.length];
        this.head = (StreamOperator<Object, ?>)head;
        this.keyedState = keyedState;
        this.recordContext = recordContext;
        this.batchSize = batchSize;
    }

    @Override
    public void open()
    {
    }

    @Override
    public int poll() throws Exception
    {
        int work = 0;
        final ChannelReader[] readers = this.readers;
        for (int i = 0; i < readers.length; i++)
        {
            if (!ended[i] && !blocked[i])
            {
                work += readers[i].poll(batchSize);
            }
        }
        return work;
    }

    @Override
    public void onRecord(final int channelIndex, final StreamSlot slot)
    {
        recordContext.timestamp(slot.timestamp());
        if (null != keyedState)
        {
            keyedState.setCurrentKey(slot.key(), slot.keyGroup());
        }
        head.process(slot.value());
    }

    /**
     * @param listener told when a checkpoint's barriers are aligned.
     */
    public void barrierListener(final BarrierListener listener)
    {
        this.barrierListener = listener;
    }

    @Override
    public boolean onControl(final int channelIndex, final StreamSlot slot) throws Exception
    {
        if (slot.kind() == StreamSlot.END_OF_INPUT)
        {
            ended[channelIndex] = true;
            endedCount++;
            if (barrierInProgress && !barrierSeen[channelIndex])
            {
                alignedChannels++;
                completeAlignmentIfDone();
            }
            return false;
        }
        if (slot.kind() == StreamSlot.BARRIER)
        {
            return onBarrier(channelIndex, slot.control(), slot.timestamp() == 1);
        }
        throw new IllegalStateException("unsupported control event " + slot.kind() + " on " +
            readers[channelIndex].channel().name());
    }

    private boolean onBarrier(final int channelIndex, final long checkpointId, final boolean isFinal) throws Exception
    {
        if (checkpointId > currentBarrier)
        {
            if (barrierInProgress && aligned)
            {
                throw new IllegalStateException("barrier " + checkpointId + " overtook barrier " + currentBarrier);
            }
            // at least once, a newer barrier may overtake one the coordinator aborted: start over
            currentBarrier = checkpointId;
            currentBarrierFinal = isFinal;
            barrierInProgress = true;
            java.util.Arrays.fill(barrierSeen, false);
            alignedChannels = endedCount;
        }
        else if (checkpointId < currentBarrier || !barrierInProgress)
        {
            return true;
        }
        if (!barrierSeen[channelIndex])
        {
            barrierSeen[channelIndex] = true;
            alignedChannels++;
        }
        if (aligned)
        {
            blocked[channelIndex] = true;
        }
        completeAlignmentIfDone();
        return !aligned;
    }

    private void completeAlignmentIfDone() throws Exception
    {
        if (alignedChannels < readers.length)
        {
            return;
        }
        barrierInProgress = false;
        java.util.Arrays.fill(blocked, false);
        barrierListener.onBarrier(currentBarrier, currentBarrierFinal);
    }

    @Override
    public boolean isEnded()
    {
        return endedCount == readers.length;
    }

    @Override
    public void close()
    {
    }
}
