package dev.riffle.runtime.channel;

/**
 * Receives the slots a {@link ChannelReader} polls, on the consuming task's thread. The slot is
 * valid only during the call.
 */
public interface SlotHandler
{
    /**
     * @param channelIndex index of the channel among the task's inputs.
     * @param slot         a {@link StreamSlot#RECORD} slot.
     * @throws Exception whatever the operator throws; fails the task.
     */
    void onRecord(int channelIndex, StreamSlot slot) throws Exception;

    /**
     * @param channelIndex index of the channel among the task's inputs.
     * @param slot         a control slot (end of input, barrier, watermark).
     * @return true to keep reading this channel in the current poll, false to stop after this slot
     * (for example a channel that delivered its end of input or a barrier to align on).
     * @throws Exception on failure; fails the task.
     */
    boolean onControl(int channelIndex, StreamSlot slot) throws Exception;
}
