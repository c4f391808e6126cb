package dev.riffle.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

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

    /**
     * Takes a savepoint: a checkpoint into a directory of your choice, kept until you delete it, from
     * which a job can be started (also at another parallelism) with
     * {@code StartPoint.from(directory)}. Requires checkpointing to be enabled.
     *
     * @param directory where to write it; created if absent, must be empty.
     * @return completes with the directory when the savepoint is complete, or exceptionally.
     * @throws IllegalStateException if checkpointing is not enabled.
     */
    CompletableFuture<Path> savepoint(Path directory);

    /**
     * Takes a savepoint, then stops the job; {@link #await()} then returns normally.
     *
     * @param directory where to write it.
     * @return completes with the directory once the savepoint is complete and the job is stopping.
     * @throws IllegalStateException if checkpointing is not enabled.
     */
    CompletableFuture<Path> stopWithSavepoint(Path directory);

    /**
     * Triggers a checkpoint now, as the periodic trigger would (Flink's "trigger checkpoint"): it runs
     * after the checkpoint or savepoint in progress, if any; requests made meanwhile share one checkpoint.
     * The periodic schedule goes on as configured.
     *
     * @return completes when the checkpoint is complete and committed, or exceptionally if it is aborted
     * (timeout, a task declined) or the job ends first.
     * @throws IllegalStateException if checkpointing is not enabled.
     */
    CompletableFuture<dev.riffle.api.checkpoint.CompletedCheckpoint> checkpoint();

    /**
     * @return completed checkpoints of this job so far (0 without checkpointing).
     */
    long completedCheckpoints();

    /**
     * @return restarts after failures so far.
     */
    int restarts();
}
