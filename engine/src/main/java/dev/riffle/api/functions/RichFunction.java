package dev.riffle.api.functions;

/**
 * A function with a lifecycle: {@link #open(RuntimeContext)} is called on the task thread before
 * the first record, {@link #close()} after the last one (also when the job is cancelled or failed,
 * on a best-effort basis). Keyed state handles are obtained in {@code open}. See {@link Function}
 * for how instances are copied per parallel instance.
 */
public interface RichFunction extends Function, java.io.Serializable
{
    /**
     * @param context the runtime context of this parallel instance; valid until {@link #close()}.
     * @throws Exception on any error; fails the job before any record is processed.
     */
    default void open(final RuntimeContext context) throws Exception
    {
    }

    /**
     * @throws Exception on any error; reported as a job failure if the job had not failed already.
     */
    default void close() throws Exception
    {
    }
}
