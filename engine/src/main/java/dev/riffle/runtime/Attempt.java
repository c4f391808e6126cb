package dev.riffle.runtime;

import dev.riffle.runtime.channel.StopSignal;
import dev.riffle.runtime.checkpoint.CheckpointTarget;
import dev.riffle.runtime.task.StreamTask;
import dev.riffle.runtime.task.TaskListener;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One execution attempt of a job: a set of task instances on their threads, from start until the
 * last of them terminates. A restart after a failure is a new attempt, built afresh from the plan
 * and the latest checkpoint.
 * <p>
 * Thread-safety: the stop flag is volatile, read by task threads between batches and while waiting
 * on full channels; the first failure is published by CAS; the live-task count is atomic, and the
 * task that brings it to zero reports the attempt's end to the {@link JobRun}.
 */
final class Attempt implements StopSignal, TaskListener, CheckpointTarget
{
    private static final System.Logger LOGGER = System.getLogger(Attempt.class.getName());

    private final int number;
    private final JobRun job;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger liveTasks = new AtomicInteger();
    private volatile boolean stopRequested;
    private volatile boolean allFinished = true;
    private List<StreamTask> tasks = List.of();
    private StreamTask[] sources = new StreamTask[0];

    Attempt(final int number, final JobRun job)
    {
        this.number = number;
        this.job = job;
    }

    /**
     * Starts one thread per task; on failure to start one, the attempt fails and the tasks not
     * started count as terminated.
     */
    void start(final List<StreamTask> tasks, final List<IdleStrategy> idleStrategies, final TaskThreadFactory threads)
    {
        this.tasks = List.copyOf(tasks);
        this.sources = tasks.stream().filter(StreamTask::isSourceTask).toArray(StreamTask[]::new);
        liveTasks.set(tasks.size());
        for (int i = 0; i < tasks.size(); i++)
        {
            final StreamTask task = tasks.get(i);
            final AgentRunner runner = new AgentRunner(idleStrategies.get(i), this::onAgentError, null, task);
            try
            {
                job.registerThread(AgentRunner.startOnThread(runner, threads.forTask(task.roleName())));
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
    }

    /**
     * Stops every task of the attempt, as a failure.
     *
     * @param cause why.
     */
    void fail(final Throwable cause)
    {
        if (failure.compareAndSet(null, cause))
        {
            LOGGER.log(System.Logger.Level.ERROR, "job '" + job.jobName() + "' attempt " + number + " failed", cause);
        }
        stopRequested = true;
    }

    /**
     * Stops every task of the attempt, not as a failure.
     */
    void stop()
    {
        stopRequested = true;
    }

    @Override
    public boolean isStopRequested()
    {
        return stopRequested;
    }

    @Override
    public void taskFailed(final StreamTask task, final Throwable t)
    {
        if (!job.isCancelRequested())
        {
            fail(t);
        }
        stopRequested = true;
    }

    @Override
    public void taskTerminated(final StreamTask task)
    {
        if (!task.isFinished())
        {
            allFinished = false;
            if (!stopRequested)
            {
                fail(new IllegalStateException("task " + task + " terminated before its input ended"));
            }
        }
        if (liveTasks.decrementAndGet() == 0)
        {
            job.attemptEnded(this, failure.get(), allFinished);
        }
    }

    @Override
    public int attempt()
    {
        return number;
    }

    @Override
    public int taskCount()
    {
        return tasks.size();
    }

    @Override
    public int sourceCount()
    {
        return sources.length;
    }

    @Override
    public void injectBarrier(final long checkpointId, final boolean isFinal)
    {
        for (final StreamTask source : sources)
        {
            source.requestBarrier(checkpointId, isFinal);
        }
    }

    private void onAgentError(final Throwable t)
    {
        if (!(t instanceof AgentTerminationException))
        {
            fail(t);
        }
    }
}
