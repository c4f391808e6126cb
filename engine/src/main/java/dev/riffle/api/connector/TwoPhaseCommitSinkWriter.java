package dev.riffle.api.connector;

import java.util.List;

/**
 * The writer of one instance of a {@link TwoPhaseCommitSink}. Used only by its task thread.
 *
 * @param <T> record type.
 */
public interface TwoPhaseCommitSinkWriter<T> extends SinkWriter<T>
{
    /**
     * Synchronous phase of checkpoint {@code checkpointId}: makes every record written since the
     * previous call durable but not visible, and returns the transactions that will make them
     * visible. Must be quick (no waiting on other threads); records written after this call belong to
     * the next checkpoint.
     *
     * @param checkpointId the checkpoint; increases from call to call, also across restarts.
     * @return transactions to pass to {@link TwoPhaseCommitSink#commit(List)}; empty if nothing was
     * written since the previous call.
     * @throws Exception on failure; fails the checkpoint and the task.
     */
    List<String> prepareCommit(long checkpointId) throws Exception;
}
