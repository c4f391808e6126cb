package dev.riffle.runtime;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * The threads of a job besides its tasks: a control thread for the checkpoint coordinator and
 * restarts, and a snapshot thread that writes state files. Both exist only when needed; both are pinned
 * to the configured service CPUs, if any, so that their work never takes a task thread's core.
 *
 * @param tasks     factory of the task threads.
 * @param control   control thread, or null without checkpointing and restarts.
 * @param snapshots snapshot thread, or null without checkpointing.
 * @param serviceThreads threads the two executors created, to join when the job ends.
 */
record JobThreads(
    TaskThreadFactory tasks, ScheduledExecutorService control, SnapshotExecutor snapshots, List<Thread> serviceThreads)
{
    /**
     * Called on the thread that starts the job: its affinity is the one unpinned task threads keep.
     *
     * @param taskCpus    CPUs of the task threads, in turn; empty for no pinning.
     * @param serviceCpus CPUs of the control and snapshot threads; empty for no pinning.
     */
    static JobThreads create(final String jobName, final int[] taskCpus, final int[] serviceCpus,
        final boolean checkpointing, final boolean restarts)
    {
        final CpuPinning pinning = new CpuPinning(jobName);
        final BitSet serviceAffinity = CpuPinning.setOf(serviceCpus);
        final List<Thread> serviceThreads = new CopyOnWriteArrayList<>();
        final ScheduledExecutorService control = checkpointing || restarts ? Executors.newSingleThreadScheduledExecutor(
            named("riffle-" + jobName + "-control", serviceAffinity, pinning, serviceThreads)) : null;
        final String snapshotThread = "riffle-" + jobName + "-snapshots";
        final SnapshotExecutor snapshots = checkpointing ?
            new SnapshotExecutor(snapshotThread, named(snapshotThread, serviceAffinity, pinning, serviceThreads)) : null;
        final BitSet unpinnedTaskAffinity = null == serviceAffinity ? null : CpuPinning.current();
        return new JobThreads(new TaskThreadFactory(jobName, taskCpus, unpinnedTaskAffinity, pinning), control,
            snapshots, serviceThreads);
    }

    private static ThreadFactory named(final String name, final BitSet affinity, final CpuPinning pinning,
        final List<Thread> created)
    {
        return runnable ->
        {
            final Thread thread = pinning.newThread(name, affinity, runnable);
            thread.setDaemon(true);
            created.add(thread);
            return thread;
        };
    }
}
