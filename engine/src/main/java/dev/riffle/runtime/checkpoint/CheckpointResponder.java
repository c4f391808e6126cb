package dev.riffle.runtime.checkpoint;

import java.nio.file.Path;
import java.util.List;

/**
 * How tasks and snapshot threads talk to the checkpoint coordinator. Thread-safe: called from task
 * threads and the snapshot thread; implementations hand the work to the coordinator's own thread.
 */
public interface CheckpointResponder
{
    /**
     * @param checkpointId a triggered checkpoint.
     * @return its directory, for the state files of that checkpoint.
     */
    Path directoryOf(long checkpointId);

    /**
     * A task instance completed its part of a checkpoint: its files are durable.
     *
     * @param attempt      the execution attempt the task belongs to.
     * @param checkpointId the checkpoint.
     * @param states       the task's operator states.
     */
    void acknowledge(int attempt, long checkpointId, List<OperatorSubtaskState> states);

    /**
     * A task instance could not complete its part; the checkpoint is aborted, the job goes on.
     *
     * @param attempt      the execution attempt.
     * @param checkpointId the checkpoint.
     * @param cause        why.
     */
    void decline(int attempt, long checkpointId, Throwable cause);

    /**
     * A source instance has read its whole input and waits for the final checkpoint.
     *
     * @param attempt the execution attempt.
     */
    void sourceEnded(int attempt);
}
