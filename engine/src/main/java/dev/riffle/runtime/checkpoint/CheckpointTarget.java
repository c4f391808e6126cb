package dev.riffle.runtime.checkpoint;

/**
 * The running execution attempt as the coordinator sees it: how many acknowledgements a checkpoint
 * needs and how to start one. Implemented by the runtime's attempt; called on the coordinator thread.
 */
public interface CheckpointTarget
{
    /**
     * @return the attempt number, to tell stale acknowledgements apart.
     */
    int attempt();

    /**
     * @return number of task instances, each of which acknowledges every checkpoint once.
     */
    int taskCount();

    /**
     * @return number of source task instances, each of which reports the end of its input.
     */
    int sourceCount();

    /**
     * Asks every source task instance to inject the barrier of a checkpoint. Returns at once.
     *
     * @param checkpointId the checkpoint.
     * @param isFinal      true for the final checkpoint after every source ended.
     */
    void injectBarrier(long checkpointId, boolean isFinal);
}
