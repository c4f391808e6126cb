package dev.riffle.runtime.channel;

/**
 * One pre-allocated, reused entry of a channel's ring. The producer fills it between
 * {@code next()} and {@code publish()}; the consumer reads it after the ring's cursor shows it
 * published and clears its references before releasing it. The ring's sequences order these plain
 * field accesses (the producer's publish is a release store, the consumer's availability check an
 * acquire load), so the fields need no fences of their own.
 */
public final class StreamSlot
{
    /**
     * A data record: {@link #value}, and {@link #key}/{@link #keyGroup} on keyed channels.
     */
    public static final byte RECORD = 0;

    /**
     * The producer instance will send nothing more on this channel.
     */
    public static final byte END_OF_INPUT = 1;

    /**
     * Reserved for checkpoint barriers: {@link #control} carries the checkpoint id.
     */
    public static final byte BARRIER = 2;

    /**
     * Reserved for watermarks: {@link #timestamp} carries the watermark.
     */
    public static final byte WATERMARK = 3;

    byte kind;
    Object value;
    Object key;
    int keyGroup;
    long timestamp;
    long control;

    /**
     * @return one of {@link #RECORD}, {@link #END_OF_INPUT}, {@link #BARRIER}, {@link #WATERMARK}.
     */
    public byte kind()
    {
        return kind;
    }

    /**
     * @return the record of a {@link #RECORD} slot.
     */
    public Object value()
    {
        return value;
    }

    /**
     * @return the key on a keyed channel, otherwise null.
     */
    public Object key()
    {
        return key;
    }

    /**
     * @return the key group of {@link #key()} on a keyed channel.
     */
    public int keyGroup()
    {
        return keyGroup;
    }

    /**
     * @return record timestamp in milliseconds, or {@link Long#MIN_VALUE} if none.
     */
    public long timestamp()
    {
        return timestamp;
    }

    /**
     * @return control payload of a control slot (for example a checkpoint id).
     */
    public long control()
    {
        return control;
    }

    void clear()
    {
        value = null;
        key = null;
    }
}
