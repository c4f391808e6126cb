package dev.riffle.runtime.task;

/**
 * Told by a task's input when every input channel has delivered the barrier of a checkpoint (or,
 * at least once, the first one has). On the task thread.
 */
@FunctionalInterface
public interface BarrierListener
{
    /**
     * @param checkpointId the checkpoint.
     * @param isFinal      true for the final checkpoint.
     * @throws Exception if the task's part of the checkpoint fails; fails the task.
     */
    void onBarrier(long checkpointId, boolean isFinal) throws Exception;
}
