package dev.riffle.runtime.checkpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Completes a checkpoint every task instance acknowledged: writes its metadata, which makes it exist
 * (storage then deletes the completed checkpoints beyond the retained ones), and only then commits the
 * sink transactions it recorded and tells the replayable sources their committed positions.
 * <p>
 * <b>Threading.</b> Coordinator thread only, except the two readers {@link #completedCheckpoints()}
 * (any thread, through the job handle) and {@link #lastCommittedCheckpoint()} (task threads).
 * <p>
 * <b>Memory ordering.</b> The last committed checkpoint id is a volatile, written after the sinks
 * committed that checkpoint's transactions: a task thread that reads id n may forget the transactions
 * it prepared for checkpoints up to n. The completed count is incremented once the metadata is written,
 * before the sinks commit.
 * <p>
 * <b>Ownership.</b> The checkpoint in flight stays the coordinator's: this class neither aborts it nor
 * triggers the next one. A failed metadata write is thrown to the coordinator, which aborts; a failed
 * commit fails the checkpoint's future and the attempt.
 */
final class CheckpointCompleter
{
    // Logs as the coordinator: for whoever sets log levels, completion is part of it.
    private static final System.Logger LOGGER = System.getLogger(CheckpointCoordinator.class.getName());

    private final String jobName;
    private final int maxParallelism;
    private final CheckpointStorage storage;
    private final CheckpointCommitter committer;
    private final Consumer<Throwable> jobFailure;
    private final AtomicLong completed = new AtomicLong();
    private volatile long lastCommittedCheckpoint;

    /**
     * @param jobName        the job, recorded in every checkpoint.
     * @param maxParallelism the job's number of key groups, recorded in every checkpoint.
     * @param storage        the job's checkpoint directory.
     * @param committer      the job's two-phase-commit sinks and replayable sources.
     * @param jobFailure     told when the sinks fail to commit: the job restarts and commits again.
     */
    CheckpointCompleter(
        final String jobName,
        final int maxParallelism,
        final CheckpointStorage storage,
        final CheckpointCommitter committer,
        final Consumer<Throwable> jobFailure)
    {
        this.jobName = jobName;
        this.maxParallelism = maxParallelism;
        this.storage = storage;
        this.committer = committer;
        this.jobFailure = jobFailure;
    }

    /**
     * @return id of the latest checkpoint whose sink transactions are committed; read by task threads.
     */
    long lastCommittedCheckpoint()
    {
        return lastCommittedCheckpoint;
    }

    /**
     * @return completed checkpoints so far.
     */
    long completedCheckpoints()
    {
        return completed.get();
    }

    /**
     * @param done a checkpoint every task instance acknowledged.
     * @return its metadata, with the operator states by operator id, then subtask.
     */
    CheckpointMetadata metadataOf(final PendingCheckpoint done)
    {
        final List<OperatorSubtaskState> all = new ArrayList<>(done.states());
        all.sort((a, b) -> a.operatorId() != b.operatorId() ?
            Integer.compare(a.operatorId(), b.operatorId()) : Integer.compare(a.subtask(), b.subtask()));
        return new CheckpointMetadata(jobName, done.checkpointId, done.timestampMillis, maxParallelism,
            done.savepoint, all);
    }

    /**
     * Writes the metadata last, after every state file is durable: from then on the checkpoint exists.
     *
     * @param done     the checkpoint.
     * @param metadata its metadata.
     * @throws IOException on failure; the checkpoint then does not exist and is to be aborted.
     */
    void writeMetadata(final PendingCheckpoint done, final CheckpointMetadata metadata) throws IOException
    {
        storage.complete(done.directory, metadata);
    }

    /**
     * Counts a checkpoint whose metadata is written as completed, commits the sink transactions it
     * recorded, publishes it as the last committed checkpoint, tells the sources and completes its future.
     *
     * @param done     the checkpoint.
     * @param metadata its metadata, written.
     * @return false if a sink failed to commit: the checkpoint's future has failed and the job was told to
     * restart, which commits again from the checkpoint.
     */
    boolean commit(final PendingCheckpoint done, final CheckpointMetadata metadata)
    {
        completed.incrementAndGet();
        LOGGER.log(System.Logger.Level.DEBUG, () -> "job '" + jobName + "' completed " + done + " in " +
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - done.triggeredNanos) + " ms");
        try
        {
            committer.commitTransactions(metadata);
        }
        catch (final Exception ex)
        {
            done.completion.completeExceptionally(ex);
            jobFailure.accept(new IllegalStateException("committing the sinks of " + done + " failed; the " +
                "job restarts and commits again from the checkpoint", ex));
            return false;
        }
        lastCommittedCheckpoint = done.checkpointId;
        committer.notifySources(metadata);
        done.completion.complete(done.directory);
        return true;
    }
}
