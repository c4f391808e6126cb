package dev.riffle.api;

/**
 * Lifecycle of a job. Terminal states: {@link #FINISHED}, {@link #FAILED}, {@link #CANCELLED}.
 */
public enum JobStatus
{
    /** Tasks are being created and started. */
    STARTING,
    /** Every task has started. */
    RUNNING,
    /** Every input ended and every operator closed normally. */
    FINISHED,
    /** A task failed; every thread has stopped. */
    FAILED,
    /** Cancelled by the user; every thread has stopped. */
    CANCELLED;

    /**
     * @return true for a state the job never leaves.
     */
    public boolean isTerminal()
    {
        return this == FINISHED || this == FAILED || this == CANCELLED;
    }
}
