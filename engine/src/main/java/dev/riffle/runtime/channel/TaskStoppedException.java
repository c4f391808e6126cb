package dev.riffle.runtime.channel;

/**
 * Unwinds a task thread that was waiting on a channel when its job was cancelled or failed. Carries
 * no stack trace: it is control flow, not an error, and is thrown from a shared instance.
 */
public final class TaskStoppedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * The one instance.
     */
    public static final TaskStoppedException INSTANCE = new TaskStoppedException();

    private TaskStoppedException()
    {
        super("task stopped", null, false, false);
    }
}
