package dev.riffle.runtime;

import dev.riffle.api.RiffleConfig;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * The job's snapshot thread: runs the asynchronous part of each task's checkpoint (writing state
 * files), one piece of work at a time, in the order handed over.
 * <p>
 * <b>Why not a {@code ThreadPoolExecutor}.</b> A task thread hands work over here at every checkpoint
 * and must never wait for this thread. A JDK executor's queue takes a lock that its worker also holds
 * ({@code LinkedBlockingQueue}'s take lock, while the worker dequeues) and wakes the worker with an
 * unpark, a system call that takes the worker's parker mutex: a worker preempted at the wrong moment
 * keeps the task thread waiting for its next time slice, which on a machine with fewer cores than busy
 * threads is milliseconds. Here the hand-over is one lock-free offer to an Agrona many-to-one queue and
 * nothing else; the snapshot thread is an Agrona {@link Agent} that polls the queue and, when it is
 * empty, backs off with the engine's default idle strategy (parks of up to 1 ms, as idle task threads
 * do), so work starts within a millisecond.
 * <p>
 * <b>Threading.</b> {@link #execute} from any thread; {@link #shutdown} and {@link #shutdownNow} from
 * the job's control or calling threads. The queue publishes each piece of work to the snapshot thread
 * (its offer is a release, its poll an acquire).
 */
final class SnapshotExecutor implements Executor
{
    private static final int RUNNING = 0;
    private static final int DRAINING = 1;
    private static final int STOPPING = 2;

    private final ManyToOneConcurrentLinkedQueue<Runnable> work = new ManyToOneConcurrentLinkedQueue<>();
    private final String name;
    private final Thread thread;
    private volatile int state = RUNNING;

    /**
     * Starts the snapshot thread.
     *
     * @param name          the thread's name.
     * @param threadFactory makes the thread (name, daemon, priority).
     */
    SnapshotExecutor(final String name, final ThreadFactory threadFactory)
    {
        this.name = name;
        final AgentRunner runner = new AgentRunner(RiffleConfig.defaultIdleStrategy(), this::onError, null,
            new Poller());
        this.thread = AgentRunner.startOnThread(runner, threadFactory);
    }

    /**
     * The runner's error handler. Work runs its own error handling (a failed snapshot declines its
     * checkpoint), so what arrives here is the runner's own: the termination that {@link #shutdown} and
     * {@link #shutdownNow} ask for, which Agrona reports here too and which is no error, or a bug.
     */
    private void onError(final Throwable t)
    {
        if (!(t instanceof AgentTerminationException))
        {
            System.getLogger(SnapshotExecutor.class.getName()).log(System.Logger.Level.ERROR,
                "'" + name + "' failed", t);
        }
    }

    /**
     * Hands work to the snapshot thread: one lock-free queue offer.
     *
     * @throws RejectedExecutionException after {@link #shutdown} or {@link #shutdownNow}.
     */
    @Override
    public void execute(final Runnable command)
    {
        if (RUNNING != state)
        {
            throw new RejectedExecutionException("'" + name + "' is shut down");
        }
        work.offer(command);
    }

    /**
     * Runs the work already handed over, then stops the thread. Returns at once. Called once the task
     * threads have stopped, so no work is handed over concurrently with it (work handed over after it
     * is rejected).
     */
    void shutdown()
    {
        if (RUNNING == state)
        {
            state = DRAINING;
        }
    }

    /**
     * Stops the thread after the work it is running, which is interrupted; drops the rest. Returns at
     * once.
     */
    void shutdownNow()
    {
        state = STOPPING;
        thread.interrupt();
    }

    /**
     * The snapshot thread's loop body.
     */
    private final class Poller implements Agent
    {
        @Override
        public int doWork()
        {
            if (STOPPING == state)
            {
                throw new AgentTerminationException();
            }
            final Runnable next = work.poll();
            if (null != next)
            {
                next.run();
                return 1;
            }
            if (DRAINING == state)
            {
                throw new AgentTerminationException();
            }
            return 0;
        }

        @Override
        public String roleName()
        {
            return name;
        }
    }
}
