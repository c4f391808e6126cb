package dev.riffle.runtime;

import dev.riffle.api.JobExecutionException;
import dev.riffle.api.JobHandle;
import dev.riffle.api.JobMetrics;
import dev.riffle.api.JobStatus;
import dev.riffle.runtime.channel.StopSignal;
import dev.riffle.runtime.metrics.JobCounters;
import dev.riffle.runtime.task.StreamTask;
import dev.riffle.runtime.task.TaskListener;
import dev.riffle.state.StateBackend;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running job: its task threads and its fate. There is no supervisor thread: the last task thread
 * to terminate settles the job's status and completes {@link #await()}.
 * <p>
 * Thread-safety: every method may be called from any thread. The stop request is a volatile flag
 * read by task threads between batches and while they wait on a full channel; the first failure is
 * published with a CAS; the terminal status is published by completing a future (happens-before
 * every waiter).
 */
final class JobRun implements JobHandle, StopSignal, TaskListener
{
    private static final System.Logger LOGGER = System.getLogger(JobRun.class.getName());

    private final String jobName;
    private final JobCounters counters;
    private final StateBackend stateBackend;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger liveTasks = new AtomicInteger();
    private final CompletableFuture<JobStatus> terminated = new CompletableFuture<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile JobStatus status = JobStatus.STARTING;
    private volatile boolean stopRequested;
    private volatile boolean cancelRequested;

    JobRun(final String jobName, final JobCounters counters, final StateBackend stateBackend)
    {
        this.jobName = jobName;
        this.counters = counters;
        this.stateBackend = stateBackend;
    }

    /**
     * Starts one thread per task instance; returns once all are started.
     */
    void start(
        final List<StreamTask> tasks,
        final List<IdleStrategy> idleStrategies,
        final TaskThreadFactory threadFactory)
    {
        liveTasks.set(tasks.size());
        for (int i = 0; i < tasks.size(); i++)
        {
            final StreamTask task = tasks.get(i);
            final AgentRunner runner = new AgentRunner(idleStrategies.get(i), this::onAgentError, null, task);
            try
            {
                synchronized (threads)
                {
                    threads.add(AgentRunner.startOnThread(runner, threadFactory.forTask(task.roleName())));
                }
            }
            catch (final Throwable t)
            {
                taskFailed(task, t);
                for (int j = i; j < tasks.size(); j++)
                {
                    taskTerminated(tasks.get(j));
                }
                return;
            }
        }
        if (status == JobStatus.STARTING)
        {
            status = JobStatus.RUNNING;
        }
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
            stopRequested = true;
        }
    }

    @Override
    public JobMetrics metrics()
    {
        return counters;
    }

    @Override
    public boolean isStopRequested()
    {
        return stopRequested;
    }

    @Override
    public void taskFailed(final StreamTask task, final Throwable t)
    {
        if (!cancelRequested && failure.compareAndSet(null, t))
        {
            LOGGER.log(System.Logger.Level.ERROR, "job '" + jobName + "' failed in task " + task, t);
        }
        stopRequested = true;
    }

    @Override
    public void taskTerminated(final StreamTask task)
    {
        if (!task.isFinished() && !stopRequested)
        {
            taskFailed(task, new IllegalStateException("task " + task + " terminated before its input ended"));
        }
        if (liveTasks.decrementAndGet() == 0)
        {
            final JobStatus result = null != failure.get() ? JobStatus.FAILED :
                cancelRequested ? JobStatus.CANCELLED : JobStatus.FINISHED;
            try
            {
                stateBackend.close();
            }
            catch (final Throwable t)
            {
                LOGGER.log(System.Logger.Level.WARNING, "closing the state backend of job '" + jobName + "' failed", t);
            }
            status = result;
            terminated.complete(result);
        }
    }

    private void onAgentError(final Throwable t)
    {
        if (!(t instanceof AgentTerminationException))
        {
            failure.compareAndSet(null, t);
            stopRequested = true;
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
            if (deadlineNanos == Long.MAX_VALUE)
            {
                thread.join();
            }
            else
            {
                final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (remainingMs <= 0 && thread.isAlive())
                {
                    return false;
                }
                thread.join(Math.max(1, remainingMs));
                if (thread.isAlive())
                {
                    return false;
                }
            }
        }
        return true;
    }

    private void throwIfUnsuccessful(final JobStatus result) throws JobExecutionException
    {
        if (result == JobStatus.FAILED)
        {
            final Throwable cause = failure.get();
            throw new JobExecutionException("job '" + jobName + "' failed: " + cause.getMessage(), result, cause);
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
