package dev.riffle.runtime.operators;

/**
 * Per-task, mutable metadata of the record being processed, shared by the operators of one task and
 * written by its input before each record. Confined to the task thread.
 */
public final class RecordContext
{
    private long timestamp = Long.MIN_VALUE;

    /**
     * @return timestamp of the current record in milliseconds, or {@link Long#MIN_VALUE}.
     */
    public long timestamp()
    {
        return timestamp;
    }

    /**
     * @param timestamp timestamp of the next record.
     */
    public void timestamp(final long timestamp)
    {
        this.timestamp = timestamp;
    }
}
