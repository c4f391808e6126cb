package dev.riffle.api;

import java.time.Duration;

/**
 * A running (or ended) job. Thread-safe: any thread may wait for, inspect or cancel the job.
 */
public interface JobHandle
{
    /**
     * @return the name given to execute.
     */
    String jobName();

    /**
     * @return the current status.
     */
    JobStatus status();

    /**
     * Waits until the job ends. After it returns or throws, no engine thread of this job is running.
     *
     * @throws JobExecutionException if the job failed (cause: the first failure) or was cancelled.
     * @throws InterruptedException  if the waiting thread is interrupted; the job goes on.
     */
    void await() throws JobExecutionException, InterruptedException;

    /**
     * Waits at most {@code timeout} for the job to end.
     *
     * @param timeout how long to wait.
     * @return true if the job ended normally, false if it is still running.
     * @throws JobExecutionException if the job failed or was cancelled.
     * @throws InterruptedException  if the waiting thread is interrupted.
     */
    boolean await(Duration timeout) throws JobExecutionException, InterruptedException;

    /**
     * Stops every task promptly (each notices within its idle strategy's longest park) and returns
     * without waiting; {@link #await()} then throws with status {@link JobStatus#CANCELLED}. No effect
     * on an ended job.
     */
    void cancel();

    /**
     * @return live counters of the job's operators.
     */
    JobMetrics metrics();
}
