package dev.riffle.api;

/**
 * A job failed or was cancelled. The cause is the first failure, whose message names the operator
 * and parallel instance where it happened; the user's exception is the cause of that.
 */
public final class JobExecutionException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final JobStatus status;

    /**
     * @param message description naming the job.
     * @param status  the terminal status.
     * @param cause   the first failure, or null for a cancellation.
     */
    public JobExecutionException(final String message, final JobStatus status, final Throwable cause)
    {
        super(message, cause);
        this.status = status;
    }

    /**
     * @return {@link JobStatus#FAILED} or {@link JobStatus#CANCELLED}.
     */
    public JobStatus status()
    {
        return status;
    }
}
