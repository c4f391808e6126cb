package dev.riffle.runtime.checkpoint;

import dev.riffle.api.checkpoint.CheckpointConfig;
import dev.riffle.api.checkpoint.CompletedCheckpoint;
import dev.riffle.api.checkpoint.StartPoint;
import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.TwoPhaseCommitSink;
import dev.riffle.state.snapshot.CheckpointFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Triggers checkpoints, collects acknowledgements, completes checkpoints (metadata last, then sink
 * commits) and aborts those that fail or time out. At most one checkpoint is in flight.
 * <p>
 * Threading: all state is confined to the coordinator's single scheduler thread; the
 * {@link CheckpointResponder} methods, called from task and snapshot threads, only post work to it.
 * Barrier injection crosses to the source tasks through their volatile request fields.
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
    private final Consumer<Throwable> jobFailure;
    private final Map<Long, Path> directories = new ConcurrentHashMap<>();
    private final AtomicLong completed = new AtomicLong();
    private volatile long lastCommittedCheckpoint;

    private long lastCheckpointId;
    private long lastCompletedNanos;
    private PendingCheckpoint pending;
    private CheckpointTarget target;
    private int sourcesEnded;
    private boolean finalWanted;
    private CompletableFuture<Void> finalCheckpoint = new CompletableFuture<>();
    private final java.util.ArrayDeque<QueuedSavepoint> queuedSavepoints = new java.util.ArrayDeque<>();
    private final List<CompletableFuture<CompletedCheckpoint>> requestedCheckpoints = new ArrayList<>();

    private record QueuedSavepoint(Path directory, CompletableFuture<Path> result)
    {
    }

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
        this.target = newTarget;
        this.sourcesEnded = 0;
        this.finalWanted = false;
        if (finalCheckpoint.isDone())
        {
            finalCheckpoint = new CompletableFuture<>();
        }
        this.lastCompletedNanos = System.nanoTime();
    }

    /**
     * Detaches from an attempt that ended (failed or cancelled); a checkpoint in flight is aborted.
     */
    public void detach()
    {
        thread.execute(() ->
        {
            abortPending(new IllegalStateException("execution attempt ended"));
            target = null;
            while (!queuedSavepoints.isEmpty())
            {
                queuedSavepoints.poll().result().completeExceptionally(
                    new IllegalStateException("execution attempt ended before the savepoint"));
            }
            failRequestedCheckpoints(new IllegalStateException("execution attempt ended before the checkpoint"));
        });
    }

    /**
     * Starts periodic checkpoints.
     */
    public void startPeriodic()
    {
        final long interval = config.interval().toNanos();
        thread.scheduleAtFixedRate(this::periodicTrigger, interval, interval, TimeUnit.NANOSECONDS);
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
        return lastCommittedCheckpoint;
    }

    /**
     * @return completed checkpoints so far.
     */
    public long completedCheckpoints()
    {
        return completed.get();
    }

    /**
     * @param directory savepoint directory, created if absent, must be empty.
     * @return completes with the directory.
     */
    public CompletableFuture<Path> triggerSavepoint(final Path directory)
    {
        final CompletableFuture<Path> result = new CompletableFuture<>();
        request(result, () -> queuedSavepoints.add(new QueuedSavepoint(directory, result)));
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
        request(result, () -> requestedCheckpoints.add(result));
        return result;
    }

    /**
     * On the coordinator thread: queues a request made by another thread, or fails it if the job is not
     * running or is finishing, then triggers at once if nothing is in progress.
     */
    private void request(final CompletableFuture<?> result, final Runnable enqueue)
    {
        thread.execute(() ->
        {
            if (null == target || finalWanted)
            {
                result.completeExceptionally(new IllegalStateException(null == target ?
                    "job is not running" : "job is finishing: its input has ended"));
                return;
            }
            enqueue.run();
            if (null == pending)
            {
                triggerNext();
            }
        });
    }

    private void failRequestedCheckpoints(final Throwable cause)
    {
        for (final CompletableFuture<CompletedCheckpoint> request : requestedCheckpoints)
        {
            request.completeExceptionally(cause);
        }
        requestedCheckpoints.clear();
    }

    /**
     * After a checkpoint completed or was aborted: savepoints asked for meanwhile go first, then
     * checkpoints asked for, then the final checkpoint if every source has ended.
     */
    private void triggerNext()
    {
        while (!queuedSavepoints.isEmpty() && null == pending)
        {
            final QueuedSavepoint next = queuedSavepoints.poll();
            try
            {
                Files.createDirectories(next.directory());
                try (var entries = Files.list(next.directory()))
                {
                    if (entries.findAny().isPresent())
                    {
                        throw new IllegalArgumentException("savepoint directory " + next.directory() + " is not empty");
                    }
                }
                trigger(next.directory(), true, false, next.result());
            }
            catch (final Exception ex)
            {
                next.result().completeExceptionally(ex);
            }
        }
        if (null == pending && !requestedCheckpoints.isEmpty() && !finalWanted)
        {
            final List<CompletableFuture<CompletedCheckpoint>> requests = List.copyOf(requestedCheckpoints);
            requestedCheckpoints.clear();
            try
            {
                final CompletableFuture<Path> done = new CompletableFuture<>();
                trigger(null, false, false, done);
                final long checkpointId = pending.checkpointId;
                final long triggeredNanos = pending.triggeredNanos;
                done.whenComplete((path, failure) ->
                {
                    for (final CompletableFuture<CompletedCheckpoint> request : requests)
                    {
                        if (null == failure)
                        {
                            request.complete(new CompletedCheckpoint(checkpointId, path,
                                java.time.Duration.ofNanos(System.nanoTime() - triggeredNanos)));
                        }
                        else
                        {
                            request.completeExceptionally(failure);
                        }
                    }
                });
            }
            catch (final Exception ex)
            {
                requests.forEach(request -> request.completeExceptionally(ex));
            }
        }
        if (null == pending && finalWanted)
        {
            failRequestedCheckpoints(new IllegalStateException("job is finishing: its input has ended"));
            triggerFinal();
        }
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
        thread.execute(() -> onAcknowledge(attempt, checkpointId, states));
    }

    @Override
    public void decline(final int attempt, final long checkpointId, final Throwable cause)
    {
        thread.execute(() ->
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
                    triggerNext();
                }
            }
        });
    }

    @Override
    public void sourceEnded(final int attempt)
    {
        thread.execute(() ->
        {
            if (null != target && target.attempt() == attempt && ++sourcesEnded == target.sourceCount())
            {
                finalWanted = true;
                if (null == pending)
                {
                    triggerFinal();
                }
            }
        });
    }

    private void periodicTrigger()
    {
        if (null == target || null != pending || finalWanted || !queuedSavepoints.isEmpty() ||
            !requestedCheckpoints.isEmpty())
        {
            return;
        }
        if (System.nanoTime() - lastCompletedNanos < config.minPauseBetweenCheckpoints().toNanos())
        {
            return;
        }
        try
        {
            trigger(null, false, false, new CompletableFuture<>());
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            // the job is ending and the control thread shutting down: no checkpoint to take
        }
        catch (final Exception ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "cannot trigger a checkpoint of job '" + jobName + "': " + ex);
        }
    }

    private void triggerFinal()
    {
        try
        {
            trigger(null, false, true, new CompletableFuture<>());
        }
        catch (final Exception ex)
        {
            finalCheckpoint.completeExceptionally(ex);
            jobFailure.accept(ex);
        }
    }

    private void trigger(
        final Path savepointDirectory, final boolean savepoint, final boolean isFinal, final CompletableFuture<Path> result)
        throws IOException
    {
        final long checkpointId = ++lastCheckpointId;
        final Path directory = savepoint ? savepointDirectory : storage.createCheckpointDirectory(checkpointId);
        directories.put(checkpointId, directory);
        pending = new PendingCheckpoint(checkpointId, target.attempt(), directory, target.taskCount(), savepoint, isFinal);
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
        final List<OperatorSubtaskState> all = new ArrayList<>(done.states());
        all.sort((a, b) -> a.operatorId() != b.operatorId() ?
            Integer.compare(a.operatorId(), b.operatorId()) : Integer.compare(a.subtask(), b.subtask()));
        final CheckpointMetadata metadata =
            new CheckpointMetadata(jobName, checkpointId, done.timestampMillis, maxParallelism, done.savepoint, all);
        try
        {
            storage.complete(done.directory, metadata);
        }
        catch (final Exception ex)
        {
            abortPending(ex);
            if (done.isFinal)
            {
                jobFailure.accept(ex);
            }
            return;
        }
        pending = null;
        directories.remove(checkpointId);
        lastCompletedNanos = System.nanoTime();
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
            return;
        }
        lastCommittedCheckpoint = checkpointId;
        committer.notifySources(metadata);
        done.completion.complete(done.directory);
        if (done.isFinal)
        {
            finalCheckpoint.complete(null);
        }
        else
        {
            triggerNext();
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
                triggerNext();
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
}
