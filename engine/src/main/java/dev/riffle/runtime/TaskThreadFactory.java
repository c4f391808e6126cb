package dev.riffle.runtime;

import java.util.BitSet;
import java.util.concurrent.ThreadFactory;

/**
 * Creates the threads of a job's tasks, named {@code riffle-<job>-<task> (i/p)}, optionally pinned to
 * CPUs from the configured list (task threads take the CPUs in turn). Without a list they keep the
 * affinity they are started with, unless the job's service threads are pinned: then they get the
 * affinity the job's creator had ({@link CpuPinning}).
 */
final class TaskThreadFactory
{
    private final String jobName;
    private final int[] cpus;
    private final BitSet unpinnedAffinity;
    private final CpuPinning pinning;
    private int nextCpu;

    /**
     * @param cpus             CPUs to pin task threads to in turn; empty for none.
     * @param unpinnedAffinity affinity of task threads when {@code cpus} is empty, or null to keep the
     *                         one inherited from the starting thread.
     */
    TaskThreadFactory(final String jobName, final int[] cpus, final BitSet unpinnedAffinity,
        final CpuPinning pinning)
    {
        this.jobName = jobName;
        this.cpus = cpus.clone();
        this.unpinnedAffinity = unpinnedAffinity;
        this.pinning = pinning;
    }

    ThreadFactory forTask(final String roleName)
    {
        final BitSet affinity = cpus.length == 0 ? unpinnedAffinity : CpuPinning.setOf(cpus[nextCpu++ % cpus.length]);
        return runnable ->
        {
            final Thread thread = pinning.newThread("riffle-" + jobName + '-' + roleName, affinity, runnable);
            thread.setDaemon(false);
            return thread;
        };
    }
}
