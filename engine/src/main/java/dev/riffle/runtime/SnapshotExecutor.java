package dev.riffle.runtime;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The job's snapshot thread: runs the asynchronous part of each task's checkpoint (writing state
 * files), one piece of work at a time, in the order handed over.
 * <p>
 * <b>Why not a {@code ThreadPoolExecutor}.</b> A task thread hands work over here at every checkpoint
 * and must never wait for this thread. A JDK executor's queue takes a lock that its worker also holds
 * ({@code LinkedBlockingQueue}'s take lock, while the worker dequeues): a worker preempted while it
 * holds it keeps the task thread waiting for its next time slice, which on a machine with fewer cores
 * than busy threads is milliseconds. Here the hand-over is one lock-free offer to an Agrona
 * many-to-one queue, plus an unpark if the snapshot thread sleeps. The snapshot thread is an Agrona
 * {@link Agent} that polls the queue and, when it is empty, parks until work arrives
 * ({@link ParkUntilWork}) rather than backing off in parks of up to 1 ms: between checkpoints it has
 * nothing to do, and on a machine with fewer cores than busy threads each of those thousand wake-ups
 * a second takes a core from a task thread or the host's thread (perf sched showed it among the
 * threads the latency harness's sender waited behind most). The price is that unpark, at most once
 * per checkpoint and task: a system call that briefly takes the sleeping thread's parker mutex, which
 * that thread holds only inside its park.
 * <p>
 * <b>Threading.</b> {@link #execute} from any thread; {@link #shutdown} and {@link #shutdownNow} from
 * the job's control or calling threads. The queue publishes each piece of work to the snapshot thread
 * (its offer is a release, its poll an acquire). Sleeping is a Dekker handshake on two volatiles: the
 * snapshot thread writes {@code sleeping} then reads the queue's tail, a producer swaps the tail then
 * reads {@code sleeping}; volatile accesses are sequentially consistent, so either the snapshot thread
 * sees the work and does not park, or the producer sees it asleep and unparks it.
 */
final class SnapshotExecutor implements Executor
{
    private static final int RUNNING = 0;
    private static final int DRAINING = 1;
    private static final int STOPPING = 2;
    private static final long LONGEST_SLEEP_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ManyToOneConcurrentLinkedQueue<Runnable> work = new ManyToOneConcurrentLinkedQueue<>();
    private final String name;
    private final Thread thread;
    private volatile int state = RUNNING;
    private volatile boolean sleeping;
    private final long longestSleepNs;

    /**
     * Starts the snapshot thread.
     *
     * @param name          the thread's name.
     * @param threadFactory makes the thread (name, daemon, priority).
     */
    SnapshotExecutor(final String name, final ThreadFactory threadFactory)
    {
        this(name, threadFactory, LONGEST_SLEEP_NS);
    }

    /**
     * @param longestSleepNs the bound of an idle park (tests make it long, so that a lost wake-up shows).
     */
    SnapshotExecutor(final String name, final ThreadFactory threadFactory, final long longestSleepNs)
    {
        this.name = name;
        this.longestSleepNs = longestSleepNs;
        final AgentRunner runner = new AgentRunner(new ParkUntilWork(), this::onError, null, new Poller());
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
        if (sleeping)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * @return true while the snapshot thread is parked or about to park for want of work (tests).
     */
    boolean sleeping()
    {
        return sleeping;
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
            LockSupport.unpark(thread);
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
     * The snapshot thread's idle strategy: park until a producer unparks it. The park is bounded
     * ({@link #LONGEST_SLEEP_NS}) only so that a thread left without a wake-up by a bug would still
     * notice work within that time; the handshake in the class comment does not lose wake-ups.
     */
    private final class ParkUntilWork implements IdleStrategy
    {
        @Override
        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                idle();
            }
        }

        @Override
        public void idle()
        {
            sleeping = true;
            if (work.isEmpty() && RUNNING == state)
            {
                LockSupport.parkNanos(this, longestSleepNs);
            }
            sleeping = false;
        }

        @Override
        public void reset()
        {
        }

        @Override
        public String alias()
        {
            return "park-until-work";
        }
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
