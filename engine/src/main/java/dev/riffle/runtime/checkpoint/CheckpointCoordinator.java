package dev.riffle.runtime.checkpoint;

import dev.riffle.api.checkpoint.CheckpointConfig;
import dev.riffle.api.checkpoint.CompletedCheckpoint;
import dev.riffle.api.checkpoint.StartPoint;
import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.TwoPhaseCommitSink;
import dev.riffle.state.snapshot.CheckpointFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a job's checkpoints: triggers them, collects acknowledgements, has them completed (metadata last,
 * then sink commits) and aborts those that fail or time out. At most one checkpoint is in flight; which
 * one to trigger next, and when, is decided by the {@code CheckpointScheduler}, and completing one is
 * the {@code CheckpointCompleter}'s job. Before each attempt it prepares the checkpoint to restore.
 * <p>
 * Threading: all state is confined to the coordinator's single scheduler thread, the scheduler's and
 * completer's included; the {@link CheckpointResponder} methods, called from task and snapshot threads,
 * and the triggers of savepoints and checkpoints, called from any thread, only post work to it. Barrier
 * injection crosses to the source tasks through their volatile request fields. {@link #finalCheckpoint()}
 * is read when an attempt ends, on one of its task threads: {@link #attach} set the future it returns
 * before those threads started.
 */
public final class CheckpointCoordinator implements CheckpointResponder
{
    private static final System.Logger LOGGER = System.getLogger(CheckpointCoordinator.class.getName());

    private final String jobName;
    private final CheckpointConfig config;
    private final CheckpointStorage storage;
    private final ScheduledExecutorService thread;
    private final int maxParallelism;
    private final CheckpointCommitter committer;
    private final CheckpointCompleter completer;
    private final CheckpointScheduler scheduler;
    private final Consumer<Throwable> jobFailure;
    private final Map<Long, Path> directories = new ConcurrentHashMap<>();

    private long lastCheckpointId;
    private PendingCheckpoint pending;
    private CompletableFuture<Void> finalCheckpoint = new CompletableFuture<>();

    /**
     * @param jobName        the job.
     * @param config         checkpoint settings.
     * @param storage        the job's checkpoint directory.
     * @param thread         the coordinator's single thread.
     * @param maxParallelism the job's number of key groups, recorded in every checkpoint.
     * @param sinks          two-phase-commit sinks by operator id.
     * @param sources        replayable sources by operator id, told when their positions are committed.
     * @param jobFailure     told when completing a checkpoint fails in a way that needs a restart.
     * @throws IOException if the checkpoint directory cannot be read.
     */
    public CheckpointCoordinator(
        final String jobName,
        final CheckpointConfig config,
        final CheckpointStorage storage,
        final ScheduledExecutorService thread,
        final int maxParallelism,
        final Map<Integer, TwoPhaseCommitSink<?>> sinks,
        final Map<Integer, ReplayableSource<?>> sources,
        final Consumer<Throwable> jobFailure) throws IOException
    {
        this.jobName = jobName;
        this.config = config;
        this.storage = storage;
        this.thread = thread;
        this.maxParallelism = maxParallelism;
        this.committer = new CheckpointCommitter(sinks, sources);
        this.completer = new CheckpointCompleter(jobName, maxParallelism, storage, committer, jobFailure);
        this.scheduler = new CheckpointScheduler(jobName, config, new SchedulerTrigger());
        this.jobFailure = jobFailure;
        this.lastCheckpointId = storage.highestCheckpointId();
    }

    /**
     * Finds the checkpoint to start from and brings the sinks in line with it: its transactions are
     * committed (again: commit is idempotent) and every uncommitted leftover is discarded. Called on
     * the coordinator thread before an attempt is built.
     *
     * @param startPoint where to start; {@code latest} for restarts.
     * @return the checkpoint, or null to start fresh.
     * @throws Exception if a requested checkpoint is missing or damaged, or sinks cannot be cleaned.
     */
    public RestoredCheckpoint prepareRestore(final StartPoint startPoint) throws Exception
    {
        final RestoredCheckpoint restored;
        if (startPoint instanceof StartPoint.FromPath from)
        {
            restored = storage.load(from.directory());
        }
        else if (startPoint instanceof StartPoint.Latest)
        {
            restored = storage.latest().orElse(null);
        }
        else
        {
            restored = null;
        }
        if (null != restored)
        {
            if (restored.metadata().maxParallelism() != maxParallelism)
            {
                throw new IllegalArgumentException("checkpoint " + restored.directory() + " was taken with " +
                    "maxParallelism " + restored.metadata().maxParallelism() + ", the job has " + maxParallelism +
                    ": key groups cannot be remapped");
            }
            lastCheckpointId = Math.max(lastCheckpointId, restored.metadata().checkpointId());
            committer.commitTransactions(restored.metadata());
        }
        committer.abortUncommitted();
        return restored;
    }

    /**
     * Attaches the coordinator to a newly started attempt. Called on the coordinator thread.
     *
     * @param newTarget the attempt.
     */
    public void attach(final CheckpointTarget newTarget)
    {
        abortPending(new IllegalStateException("a new execution attempt started"));
        scheduler.attach(newTarget);
        if (finalCheckpoint.isDone())
        {
            finalCheckpoint = new CompletableFuture<>();
        }
    }

    /**
     * Detaches from an attempt that ended (failed or cancelled); a checkpoint in flight is aborted.
     */
    public void detach()
    {
        thread.execute(() ->
        {
            abortPending(new IllegalStateException("execution attempt ended"));
            scheduler.detach();
        });
    }

    /**
     * Starts periodic checkpoints.
     */
    public void startPeriodic()
    {
        final long interval = config.interval().toNanos();
        thread.scheduleAtFixedRate(scheduler::periodicTrigger, interval, interval, TimeUnit.NANOSECONDS);
    }

    /**
     * @return completes when the final checkpoint of the current attempt is complete and committed.
     */
    public CompletableFuture<Void> finalCheckpoint()
    {
        return finalCheckpoint;
    }

    /**
     * @return id of the latest checkpoint whose sink transactions are committed; read by task threads.
     */
    public long lastCommittedCheckpoint()
    {
        return completer.lastCommittedCheckpoint();
    }

    /**
     * @return completed checkpoints so far.
     */
    public long completedCheckpoints()
    {
        return completer.completedCheckpoints();
    }

    /**
     * @param directory savepoint directory, created if absent, must be empty.
     * @return completes with the directory.
     */
    public CompletableFuture<Path> triggerSavepoint(final Path directory)
    {
        final CompletableFuture<Path> result = new CompletableFuture<>();
        thread.execute(() -> scheduler.requestSavepoint(directory, result));
        return result;
    }

    /**
     * Triggers a checkpoint as soon as none is in progress; requests made meanwhile share it.
     *
     * @return completes when the checkpoint is complete and committed.
     */
    public CompletableFuture<CompletedCheckpoint> triggerCheckpoint()
    {
        final CompletableFuture<CompletedCheckpoint> result = new CompletableFuture<>();
        thread.execute(() -> scheduler.requestCheckpoint(result));
        return result;
    }

    @Override
    public Path directoryOf(final long checkpointId)
    {
        final Path directory = directories.get(checkpointId);
        if (null == directory)
        {
            throw new IllegalStateException("checkpoint " + checkpointId + " is not in progress");
        }
        return directory;
    }

    @Override
    public void acknowledge(final int attempt, final long checkpointId, final List<OperatorSubtaskState> states)
    {
        onControlThread(checkpointId, () -> onAcknowledge(attempt, checkpointId, states));
    }

    /**
     * Runs an acknowledgement or a decline on the control thread — unless the job has ended and stopped
     * that thread while the snapshot thread was still writing: the checkpoint is moot then.
     */
    private void onControlThread(final long checkpointId, final Runnable action)
    {
        try
        {
            thread.execute(action);
        }
        catch (final java.util.concurrent.RejectedExecutionException ended)
        {
            LOGGER.log(System.Logger.Level.DEBUG, () -> "job '" + jobName + "' ended before checkpoint " +
                checkpointId + " was acknowledged or declined");
        }
    }

    @Override
    public void decline(final int attempt, final long checkpointId, final Throwable cause)
    {
        onControlThread(checkpointId, () ->
        {
            if (null != pending && pending.checkpointId == checkpointId && pending.attempt == attempt)
            {
                final boolean wasFinal = pending.isFinal;
                abortPending(cause);
                if (wasFinal)
                {
                    jobFailure.accept(cause);
                }
                else
                {
                    scheduler.triggerNext();
                }
            }
        });
    }

    @Override
    public void sourceEnded(final int attempt)
    {
        thread.execute(() -> scheduler.sourceEnded(attempt));
    }

    private void triggerFinal(final CheckpointTarget target)
    {
        try
        {
            trigger(target, null, false, true, new CompletableFuture<>());
        }
        catch (final Exception ex)
        {
            finalCheckpoint.completeExceptionally(ex);
            jobFailure.accept(ex);
        }
    }

    private PendingCheckpoint trigger(
        final CheckpointTarget target,
        final Path savepointDirectory,
        final boolean savepoint,
        final boolean isFinal,
        final CompletableFuture<Path> result) throws IOException
    {
        final long checkpointId = ++lastCheckpointId;
        final Path directory = savepoint ? savepointDirectory : storage.createCheckpointDirectory(checkpointId);
        directories.put(checkpointId, directory);
        pending =
            new PendingCheckpoint(checkpointId, target.attempt(), directory, target.taskCount(), savepoint, isFinal);
        pending.completion.whenComplete((path, failure) ->
        {
            if (null == failure)
            {
                result.complete(path);
            }
            else
            {
                result.completeExceptionally(failure);
            }
        });
        thread.schedule(() -> timeout(checkpointId), config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        target.injectBarrier(checkpointId, isFinal);
        return pending;
    }

    private void onAcknowledge(final int attempt, final long checkpointId, final List<OperatorSubtaskState> states)
    {
        if (null == pending || pending.checkpointId != checkpointId || pending.attempt != attempt)
        {
            return;
        }
        if (!pending.acknowledge(states))
        {
            return;
        }
        final PendingCheckpoint done = pending;
        final CheckpointMetadata metadata = completer.metadataOf(done);
        try
        {
            completer.writeMetadata(done, metadata);
        }
        catch (final Exception ex)
        {
            abortPending(ex);
            if (done.isFinal)
            {
                jobFailure.accept(ex);
            }
            else
            {
                // as after a decline or a timeout: savepoints and checkpoints asked for meanwhile are
                // queued behind this one and would otherwise wait for the next request
                scheduler.triggerNext();
            }
            return;
        }
        pending = null;
        directories.remove(checkpointId);
        scheduler.checkpointCompleted();
        if (!completer.commit(done, metadata))
        {
            return;
        }
        if (done.isFinal)
        {
            finalCheckpoint.complete(null);
        }
        else
        {
            scheduler.triggerNext();
        }
    }

    private void timeout(final long checkpointId)
    {
        if (null != pending && pending.checkpointId == checkpointId)
        {
            final boolean wasFinal = pending.isFinal;
            final var ex = new IllegalStateException("checkpoint " + checkpointId + " of job '" + jobName +
                "' timed out after " + config.timeout());
            LOGGER.log(System.Logger.Level.WARNING, ex.getMessage());
            abortPending(ex);
            if (wasFinal)
            {
                jobFailure.accept(ex);
            }
            else
            {
                scheduler.triggerNext();
            }
        }
    }

    private void abortPending(final Throwable cause)
    {
        if (null == pending)
        {
            return;
        }
        final PendingCheckpoint aborted = pending;
        if (aborted.isFinal)
        {
            finalCheckpoint.completeExceptionally(cause);
        }
        pending = null;
        directories.remove(aborted.checkpointId);
        if (aborted.savepoint)
        {
            try
            {
                CheckpointFiles.deleteRecursively(aborted.directory);
            }
            catch (final IOException ex)
            {
                LOGGER.log(System.Logger.Level.WARNING, "cannot delete aborted savepoint " + aborted.directory);
            }
        }
        else
        {
            storage.abort(aborted.directory);
        }
        aborted.completion.completeExceptionally(cause);
        LOGGER.log(System.Logger.Level.DEBUG, () -> "job '" + jobName + "' aborted " + aborted + ": " + cause);
    }

    /**
     * The coordinator's side of the {@link CheckpointScheduler}, kept out of its public API.
     */
    private final class SchedulerTrigger implements CheckpointScheduler.Trigger
    {
        @Override
        public boolean inFlight()
        {
            return null != pending;
        }

        @Override
        public PendingCheckpoint trigger(
            final CheckpointTarget target,
            final Path savepointDirectory,
            final boolean savepoint,
            final boolean isFinal,
            final CompletableFuture<Path> result) throws IOException
        {
            return CheckpointCoordinator.this.trigger(target, savepointDirectory, savepoint, isFinal, result);
        }

        @Override
        public void triggerFinal(final CheckpointTarget target)
        {
            CheckpointCoordinator.this.triggerFinal(target);
        }
    }
}
