package dev.riffle.runtime;

import dev.riffle.api.JobExecutionException;
import dev.riffle.api.JobHandle;
import dev.riffle.api.JobMetrics;
import dev.riffle.api.JobStatus;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.checkpoint.CompletedCheckpoint;
import dev.riffle.api.checkpoint.RestartStrategy;
import dev.riffle.api.checkpoint.StartPoint;
import dev.riffle.plan.PhysicalPlan;
import dev.riffle.runtime.checkpoint.CheckpointCoordinator;
import dev.riffle.runtime.checkpoint.RestoredCheckpoint;
import dev.riffle.runtime.metrics.JobCounters;
import dev.riffle.runtime.task.StreamTask;
import dev.riffle.state.StateBackend;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running job: its attempts, its checkpoint coordinator and its fate. Without checkpointing and
 * restarts there is no thread besides the tasks: the last task to terminate settles the job. With
 * them, a control thread ({@code riffle-<job>-control}) runs the coordinator and restarts, and a
 * snapshot thread ({@code riffle-<job>-snapshots}) writes state files.
 * <p>
 * Thread-safety: every {@link JobHandle} method may be called from any thread. Restarts are decided
 * on the thread that ends an attempt and run on the control thread; the terminal status is published
 * by completing a future, which happens-before every waiter.
 */
final class JobRun implements JobHandle
{
    private final String jobName;
    private final RiffleConfig config;
    private final PhysicalPlan plan;
    private final JobCounters counters;
    private final StateBackend stateBackend;
    private final TaskThreadFactory threadFactory;
    private final ScheduledExecutorService control;
    private final SnapshotExecutor snapshots;
    private final CheckpointCoordinator coordinator;
    private final FunctionTemplates functions;
    private final RestartStrategy restartStrategy;
    private final CompletableFuture<JobStatus> terminated = new CompletableFuture<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Thread> serviceThreads;
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile JobStatus status = JobStatus.STARTING;
    private volatile Attempt current;
    private volatile boolean cancelRequested;
    private volatile boolean stopAfterSavepoint;
    private volatile Throwable lastFailure;
    private int failures;

    JobRun(
        final String jobName,
        final RiffleConfig config,
        final PhysicalPlan plan,
        final JobCounters counters,
        final StateBackend stateBackend,
        final JobThreads jobThreads,
        final CheckpointCoordinator coordinator)
    {
        this.jobName = jobName;
        this.config = config;
        this.plan = plan;
        this.counters = counters;
        this.stateBackend = stateBackend;
        this.threadFactory = jobThreads.tasks();
        this.control = jobThreads.control();
        this.snapshots = jobThreads.snapshots();
        this.serviceThreads = jobThreads.serviceThreads();
        this.coordinator = coordinator;
        this.functions = new FunctionTemplates(plan);
        this.restartStrategy = config.checkpointing().restartStrategy();
    }

    /**
     * Builds and starts the first attempt, on the control thread if there is one. Failures to build
     * (a bad checkpoint to start from, say) are thrown to the caller of execute.
     */
    void start()
    {
        if (null == control)
        {
            try
            {
                startAttempt(null, 1);
            }
            catch (final RuntimeException ex)
            {
                settle(JobStatus.FAILED, ex);
                throw ex;
            }
            catch (final Exception ex)
            {
                settle(JobStatus.FAILED, ex);
                throw new IllegalStateException("job '" + jobName + "' could not start: " + ex, ex);
            }
        }
        else
        {
            try
            {
                control.submit(() ->
                {
                    startAttempt(config.checkpointing().startPoint(), 1);
                    return null;
                }).get();
            }
            catch (final ExecutionException ex)
            {
                settle(JobStatus.FAILED, ex.getCause());
                awaitControlThreads();
                throw ex.getCause() instanceof RuntimeException r ? r :
                    new IllegalStateException("job '" + jobName + "' could not start: " + ex.getCause(), ex.getCause());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                settle(JobStatus.CANCELLED, null);
                throw new IllegalStateException("interrupted while starting job '" + jobName + "'", ex);
            }
            if (null != config.checkpointing().interval())
            {
                coordinator.startPeriodic();
            }
        }
        if (status == JobStatus.STARTING)
        {
            status = JobStatus.RUNNING;
        }
    }

    private void awaitControlThreads()
    {
        try
        {
            for (final Thread thread : serviceThreads)
            {
                thread.join(10_000);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void startAttempt(final StartPoint startPoint, final int number) throws Exception
    {
        final RestoredCheckpoint restored = null == coordinator ? null : coordinator.prepareRestore(startPoint);
        final Attempt attempt = new Attempt(number, this);
        final TaskBuilder builder = new TaskBuilder(config, plan, counters, stateBackend, attempt, attempt, number,
            restored, coordinator, snapshots, null == coordinator ? () -> 0L : coordinator::lastCommittedCheckpoint,
            functions);
        final List<StreamTask> tasks = builder.build();
        current = attempt;
        if (null != coordinator)
        {
            coordinator.attach(attempt);
        }
        attempt.start(tasks, builder.runnerIdleStrategies(), threadFactory);
    }

    /**
     * The last task of an attempt terminated. Decides between done, restart and failure.
     */
    void attemptEnded(final Attempt attempt, final Throwable failure, final boolean allFinished)
    {
        if (cancelRequested)
        {
            settle(stopAfterSavepoint ? JobStatus.FINISHED : JobStatus.CANCELLED, null);
        }
        else if (null == failure && allFinished)
        {
            if (null == coordinator)
            {
                settle(JobStatus.FINISHED, null);
            }
            else
            {
                coordinator.finalCheckpoint().whenComplete((ignored, t) ->
                {
                    if (null == t)
                    {
                        settle(JobStatus.FINISHED, null);
                    }
                    else
                    {
                        onFailure(attempt, t);
                    }
                });
            }
        }
        else
        {
            onFailure(attempt, null == failure ? new IllegalStateException("tasks stopped unexpectedly") : failure);
        }
    }

    private void onFailure(final Attempt attempt, final Throwable failure)
    {
        lastFailure = failure;
        if (null != coordinator)
        {
            coordinator.detach();
        }
        final Duration delay;
        synchronized (this)
        {
            delay = null == control ? null : restartStrategy.delayBeforeRestart(++failures);
        }
        if (null == delay)
        {
            settle(JobStatus.FAILED, failure);
            return;
        }
        control.schedule(() ->
        {
            if (cancelRequested)
            {
                settle(JobStatus.CANCELLED, null);
                return;
            }
            restarts.incrementAndGet();
            try
            {
                startAttempt(StartPoint.latestCheckpoint(), attempt.attempt() + 1);
            }
            catch (final Throwable t)
            {
                onFailure(attempt, t);
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Fails the running attempt from outside its tasks (the coordinator, when a commit fails).
     *
     * @param cause why.
     */
    void failCurrentAttempt(final Throwable cause)
    {
        final Attempt attempt = current;
        if (null != attempt)
        {
            attempt.fail(cause);
        }
    }

    void registerThread(final Thread thread)
    {
        synchronized (threads)
        {
            threads.add(thread);
        }
    }

    boolean isCancelRequested()
    {
        return cancelRequested;
    }

    private void settle(final JobStatus result, final Throwable failure)
    {
        if (terminated.isDone())
        {
            return;
        }
        if (null != failure)
        {
            lastFailure = failure;
        }
        if (null != control)
        {
            control.shutdownNow();
        }
        if (null != snapshots)
        {
            snapshots.shutdown();
        }
        try
        {
            stateBackend.close();
        }
        catch (final Throwable t)
        {
            System.getLogger(JobRun.class.getName()).log(System.Logger.Level.WARNING,
                "closing the state backend of job '" + jobName + "' failed", t);
        }
        status = result;
        terminated.complete(result);
    }

    @Override
    public String jobName()
    {
        return jobName;
    }

    @Override
    public JobStatus status()
    {
        return terminated.isDone() ? terminated.join() : status;
    }

    @Override
    public void await() throws JobExecutionException, InterruptedException
    {
        final JobStatus result;
        try
        {
            result = terminated.get();
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException(ex);
        }
        joinThreads(Long.MAX_VALUE);
        throwIfUnsuccessful(result);
    }

    @Override
    public boolean await(final Duration timeout) throws JobExecutionException, InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final JobStatus result;
        try
        {
            result = terminated.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            return false;
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException(ex);
        }
        if (!joinThreads(deadline))
        {
            return false;
        }
        throwIfUnsuccessful(result);
        return true;
    }

    @Override
    public void cancel()
    {
        if (!terminated.isDone())
        {
            cancelRequested = true;
            final Attempt attempt = current;
            if (null != attempt)
            {
                attempt.stop();
            }
        }
    }

    @Override
    public JobMetrics metrics()
    {
        return counters;
    }

    @Override
    public CompletableFuture<Path> savepoint(final Path directory)
    {
        requireCheckpointing();
        return coordinator.triggerSavepoint(directory);
    }

    @Override
    public CompletableFuture<Path> stopWithSavepoint(final Path directory)
    {
        requireCheckpointing();
        return coordinator.triggerSavepoint(directory).thenApply(path ->
        {
            stopAfterSavepoint = true;
            cancel();
            return path;
        });
    }

    @Override
    public CompletableFuture<CompletedCheckpoint> checkpoint()
    {
        requireCheckpointing();
        return coordinator.triggerCheckpoint();
    }

    @Override
    public long completedCheckpoints()
    {
        return null == coordinator ? 0 : coordinator.completedCheckpoints();
    }

    @Override
    public int restarts()
    {
        return restarts.get();
    }

    private void requireCheckpointing()
    {
        if (null == coordinator)
        {
            throw new IllegalStateException("savepoints need checkpointing: call enableCheckpointing before execute");
        }
    }

    private boolean joinThreads(final long deadlineNanos) throws InterruptedException
    {
        final List<Thread> toJoin;
        synchronized (threads)
        {
            toJoin = List.copyOf(threads);
        }
        for (final Thread thread : toJoin)
        {
            if (thread == Thread.currentThread())
            {
                continue;
            }
            if (!join(thread, deadlineNanos))
            {
                return false;
            }
        }
        // an executor may replace a worker while we join, so repeat until a pass finds none alive
        boolean anyAlive = true;
        while (anyAlive)
        {
            anyAlive = false;
            for (final Thread thread : serviceThreads)
            {
                if (thread != Thread.currentThread() && thread.isAlive())
                {
                    anyAlive = true;
                    if (!join(thread, deadlineNanos))
                    {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static boolean join(final Thread thread, final long deadlineNanos) throws InterruptedException
    {
        if (deadlineNanos == Long.MAX_VALUE)
        {
            thread.join();
            return true;
        }
        final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (remainingMs > 0)
        {
            thread.join(remainingMs);
        }
        return !thread.isAlive();
    }

    private void throwIfUnsuccessful(final JobStatus result) throws JobExecutionException
    {
        if (result == JobStatus.FAILED)
        {
            final Throwable cause = lastFailure;
            throw new JobExecutionException("job '" + jobName + "' failed" +
                (failures > 1 ? " after " + (failures - 1) + " restarts" : "") + ": " +
                (null == cause ? "unknown" : cause.getMessage()), result, cause);
        }
        if (result == JobStatus.CANCELLED)
        {
            throw new JobExecutionException("job '" + jobName + "' was cancelled", result, null);
        }
    }

    @Override
    public String toString()
    {
        return "Job '" + jobName + "' " + status();
    }
}
