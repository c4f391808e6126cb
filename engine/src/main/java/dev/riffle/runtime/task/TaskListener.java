package dev.riffle.runtime.task;

/**
 * Told by task threads about their end. Implementations must be thread-safe: every task thread
 * calls them.
 */
public interface TaskListener
{
    /**
     * The task failed; the job must stop. Called at most once per task, before
     * {@link #taskTerminated(StreamTask)}.
     *
     * @param task    the failing task.
     * @param failure names the operator and carries the user's exception.
     */
    void taskFailed(StreamTask task, Throwable failure);

    /**
     * The task has closed its operators and will do nothing more on its thread. Called exactly once
     * per task that was started.
     *
     * @param task the task.
     */
    void taskTerminated(StreamTask task);
}
