package dev.riffle.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * The threads of a job besides its tasks: a control thread for the checkpoint coordinator and
 * restarts, and a snapshot thread that writes state files. Both exist only when needed.
 *
 * @param tasks     factory of the task threads.
 * @param control   control thread, or null without checkpointing and restarts.
 * @param snapshots snapshot thread, or null without checkpointing.
 * @param serviceThreads threads the two executors created, to join when the job ends.
 */
record JobThreads(
    TaskThreadFactory tasks, ScheduledExecutorService control, SnapshotExecutor snapshots, List<Thread> serviceThreads)
{
    static JobThreads create(final String jobName, final int[] cpus, final boolean checkpointing, final boolean restarts)
    {
        final List<Thread> serviceThreads = new CopyOnWriteArrayList<>();
        final ScheduledExecutorService control = checkpointing || restarts ?
            Executors.newSingleThreadScheduledExecutor(named("riffle-" + jobName + "-control", serviceThreads)) : null;
        final String snapshotThread = "riffle-" + jobName + "-snapshots";
        final SnapshotExecutor snapshots = checkpointing ?
            new SnapshotExecutor(snapshotThread, named(snapshotThread, serviceThreads)) : null;
        return new JobThreads(new TaskThreadFactory(jobName, cpus), control, snapshots, serviceThreads);
    }

    private static ThreadFactory named(final String name, final List<Thread> created)
    {
        return runnable ->
        {
            final Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            created.add(thread);
            return thread;
        };
    }
}
