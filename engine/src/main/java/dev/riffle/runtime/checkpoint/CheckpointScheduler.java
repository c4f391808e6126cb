package dev.riffle.runtime.checkpoint;

import dev.riffle.api.checkpoint.CheckpointConfig;
import dev.riffle.api.checkpoint.CompletedCheckpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Decides when the coordinator triggers a checkpoint, and of which kind. At most one is in flight; when
 * it ends, savepoints asked for meanwhile go first, then the checkpoints asked for (which share one),
 * then the final checkpoint once every source of the attempt has ended. A periodic tick triggers a
 * checkpoint only when none is in flight or asked for, not every source has ended, and the minimum
 * pause since the last completion (or the attempt's start) has passed.
 * <p>
 * <b>Threading.</b> Confined to the coordinator thread, like the coordinator's own state: every method,
 * the periodic tick included, runs there. Requests made on other threads reach it because the
 * coordinator posts them to that thread; the scheduler never posts work itself.
 * <p>
 * <b>Ownership.</b> It owns the requests waiting for a trigger, whose futures it completes or fails,
 * and the attempt it schedules for, from {@link #attach} to {@link #detach}. The checkpoint in flight
 * is the coordinator's, reached through {@link Trigger}.
 */
final class CheckpointScheduler
{
    // Logs as the coordinator: for whoever sets log levels, the scheduler is part of it.
    private static final System.Logger LOGGER = System.getLogger(CheckpointCoordinator.class.getName());

    private final String jobName;
    private final CheckpointConfig config;
    private final Trigger trigger;
    private final ArrayDeque<QueuedSavepoint> queuedSavepoints = new ArrayDeque<>();
    private final List<CompletableFuture<CompletedCheckpoint>> requestedCheckpoints = new ArrayList<>();

    private CheckpointTarget target;
    private long lastCompletedNanos;
    private int sourcesEnded;
    private boolean finalWanted;

    private record QueuedSavepoint(Path directory, CompletableFuture<Path> result)
    {
    }

    /**
     * The coordinator as the scheduler sees it: the checkpoint in flight, and how to start one. Called on
     * the coordinator thread.
     */
    interface Trigger
    {
        /**
         * @return true while a checkpoint is in flight: nothing else is triggered meanwhile.
         */
        boolean inFlight();

        /**
         * Starts a checkpoint or savepoint of the attempt: it takes the next id and is in flight when
         * this returns.
         *
         * @param target             the attempt.
         * @param savepointDirectory the savepoint's directory, or null for a checkpoint.
         * @param savepoint          true for a savepoint.
         * @param isFinal            true for the final checkpoint after every source ended.
         * @param result             completed with the directory once it is complete and committed.
         * @return the checkpoint now in flight.
         * @throws IOException if its directory cannot be created.
         */
        PendingCheckpoint trigger(
            CheckpointTarget target,
            Path savepointDirectory,
            boolean savepoint,
            boolean isFinal,
            CompletableFuture<Path> result) throws IOException;

        /**
         * Starts the final checkpoint; if it cannot start, the final checkpoint and the attempt fail.
         *
         * @param target the attempt, every source of which has ended.
         */
        void triggerFinal(CheckpointTarget target);
    }

    /**
     * @param jobName the job, for log messages.
     * @param config  checkpoint settings: the minimum pause between checkpoints.
     * @param trigger the coordinator, which starts what the scheduler decides.
     */
    CheckpointScheduler(final String jobName, final CheckpointConfig config, final Trigger trigger)
    {
        this.jobName = jobName;
        this.config = config;
        this.trigger = trigger;
    }

    /**
     * Schedules for a newly started attempt: none of its sources has ended, and the minimum pause
     * counts from now.
     *
     * @param newTarget the attempt.
     */
    void attach(final CheckpointTarget newTarget)
    {
        this.target = newTarget;
        this.sourcesEnded = 0;
        this.finalWanted = false;
        this.lastCompletedNanos = System.nanoTime();
    }

    /**
     * Stops scheduling for the attempt that ended; requests still waiting for a trigger fail.
     */
    void detach()
    {
        target = null;
        while (!queuedSavepoints.isEmpty())
        {
            queuedSavepoints.poll().result().completeExceptionally(
                new IllegalStateException("execution attempt ended before the savepoint"));
        }
        failRequestedCheckpoints(new IllegalStateException("execution attempt ended before the checkpoint"));
    }

    /**
     * @param directory savepoint directory, created if absent, must be empty.
     * @param result    completed with the directory, or failed.
     */
    void requestSavepoint(final Path directory, final CompletableFuture<Path> result)
    {
        request(result, () -> queuedSavepoints.add(new QueuedSavepoint(directory, result)));
    }

    /**
     * @param result completed when the checkpoint, shared with the requests made meanwhile, is complete
     *               and committed, or failed.
     */
    void requestCheckpoint(final CompletableFuture<CompletedCheckpoint> result)
    {
        request(result, () -> requestedCheckpoints.add(result));
    }

    /**
     * Queues a request made by another thread, or fails it if the job is not running or is finishing,
     * then triggers at once if nothing is in progress.
     */
    private void request(final CompletableFuture<?> result, final Runnable enqueue)
    {
        if (null == target || finalWanted)
        {
            result.completeExceptionally(new IllegalStateException(null == target ?
                "job is not running" : "job is finishing: its input has ended"));
            return;
        }
        enqueue.run();
        if (!trigger.inFlight())
        {
            triggerNext();
        }
    }

    /**
     * A source instance of the attempt has read its whole input; once all have, the final checkpoint is
     * wanted, and triggered at once if nothing is in flight.
     *
     * @param attempt the source's attempt: reports of an earlier one are ignored.
     */
    void sourceEnded(final int attempt)
    {
        if (null != target && target.attempt() == attempt && ++sourcesEnded == target.sourceCount())
        {
            finalWanted = true;
            if (!trigger.inFlight())
            {
                trigger.triggerFinal(target);
            }
        }
    }

    /**
     * A checkpoint completed (its metadata is written): the minimum pause counts from now.
     */
    void checkpointCompleted()
    {
        lastCompletedNanos = System.nanoTime();
    }

    /**
     * The periodic tick, scheduled at the checkpoint interval.
     */
    void periodicTrigger()
    {
        if (null == target || trigger.inFlight() || finalWanted || !queuedSavepoints.isEmpty() ||
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
            trigger.trigger(target, null, false, false, new CompletableFuture<>());
        }
        catch (final RejectedExecutionException ex)
        {
            // the job is ending and the control thread shutting down: no checkpoint to take
        }
        catch (final Exception ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "cannot trigger a checkpoint of job '" + jobName + "': " + ex);
        }
    }

    /**
     * After a checkpoint completed or was aborted: savepoints asked for meanwhile go first, then
     * checkpoints asked for, then the final checkpoint if every source has ended.
     */
    void triggerNext()
    {
        while (!queuedSavepoints.isEmpty() && !trigger.inFlight())
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
                trigger.trigger(target, next.directory(), true, false, next.result());
            }
            catch (final Exception ex)
            {
                next.result().completeExceptionally(ex);
            }
        }
        if (!trigger.inFlight() && !requestedCheckpoints.isEmpty() && !finalWanted)
        {
            final List<CompletableFuture<CompletedCheckpoint>> requests = List.copyOf(requestedCheckpoints);
            requestedCheckpoints.clear();
            try
            {
                final CompletableFuture<Path> done = new CompletableFuture<>();
                final PendingCheckpoint triggered = trigger.trigger(target, null, false, false, done);
                final long checkpointId = triggered.checkpointId;
                final long triggeredNanos = triggered.triggeredNanos;
                done.whenComplete((path, failure) ->
                {
                    for (final CompletableFuture<CompletedCheckpoint> request : requests)
                    {
                        if (null == failure)
                        {
                            request.complete(new CompletedCheckpoint(checkpointId, path,
                                Duration.ofNanos(System.nanoTime() - triggeredNanos)));
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
        if (!trigger.inFlight() && finalWanted)
        {
            failRequestedCheckpoints(new IllegalStateException("job is finishing: its input has ended"));
            trigger.triggerFinal(target);
        }
    }

    private void failRequestedCheckpoints(final Throwable cause)
    {
        for (final CompletableFuture<CompletedCheckpoint> request : requestedCheckpoints)
        {
            request.completeExceptionally(cause);
        }
        requestedCheckpoints.clear();
    }
}
