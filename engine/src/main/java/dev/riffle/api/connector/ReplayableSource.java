package dev.riffle.api.connector;


/**
 * A {@link Source} whose readers can be reopened at a position they reported earlier, so that a
 * restarted job re-reads exactly what came after that position. This is the hook for checkpointed
 * source positions: the runtime records {@link ReplayableSourceReader#position()} of every instance
 * and, on recovery, calls {@link #createReader(SourceContext, long)} with it.
 * <p>
 * A position belongs to one parallel instance at one parallelism: restoring it requires the same
 * {@link SourceContext#subtask()} and {@link SourceContext#parallelism()} it was taken with.
 *
 * @param <T> record type.
 */
public interface ReplayableSource<T> extends Source<T>
{
    /**
     * Opens the reader of an instance at its start.
     *
     * @param context which instance this is.
     * @return the reader, positioned at the instance's first record.
     * @throws Exception if the source cannot be opened.
     */
    @Override
    ReplayableSourceReader<T> createReader(SourceContext context) throws Exception;

    /**
     * Opens the reader of an instance at a position its reader reported with
     * {@link ReplayableSourceReader#position()}.
     *
     * @param context  which instance this is; same subtask and parallelism as when the position was taken.
     * @param position where to resume.
     * @return the reader; its first record is the one that followed {@code position}'s record.
     * @throws IllegalArgumentException if the position is not one this instance can have reported.
     * @throws Exception                if the source cannot be opened.
     */
    ReplayableSourceReader<T> createReader(SourceContext context, long position) throws Exception;

    /**
     * A checkpoint holding this position for an instance has completed: nothing before it will be
     * replayed again, so a source may release what it keeps for replay (a journal deletes old
     * segments). Called on the job's coordinator thread; the default does nothing.
     *
     * @param subtask  the instance.
     * @param position its position in the completed checkpoint.
     */
    default void positionCommitted(final int subtask, final long position)
    {
    }
}
