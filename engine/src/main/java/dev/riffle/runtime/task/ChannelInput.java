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
 */
public final class ChannelInput implements TaskInput, SlotHandler
{
    private final ChannelReader[] readers;
    private final boolean[] ended;
    private final StreamOperator<Object, ?> head;
    private final KeyedStateBackend keyedState;
    private final RecordContext recordContext;
    private final int batchSize;
    private int endedCount;

    /**
     * @param channels      the task's input channels.
     * @param head          the operator receiving the records.
     * @param keyedState    the head's keyed state if its input is keyed, else null.
     * @param recordContext the task's record context.
     * @param batchSize     maximum slots per channel per poll.
     */
    @SuppressWarnings("unchecked")
    public ChannelInput(
        final Channel[] channels,
        final StreamOperator<?, ?> head,
        final KeyedStateBackend keyedState,
        final RecordContext recordContext,
        final int batchSize)
    {
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
            if (!ended[i])
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

    @Override
    public boolean onControl(final int channelIndex, final StreamSlot slot)
    {
        if (slot.kind() == StreamSlot.END_OF_INPUT)
        {
            ended[channelIndex] = true;
            endedCount++;
            return false;
        }
        throw new IllegalStateException("unsupported control event " + slot.kind() + " on " +
            readers[channelIndex].channel().name());
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
