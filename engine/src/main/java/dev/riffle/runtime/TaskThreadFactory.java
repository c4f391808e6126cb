package dev.riffle.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates the threads of a job's tasks, named {@code riffle-<job>-<task> (i/p)}, optionally pinned to
 * CPUs from the configured list (task threads take the CPUs in turn). Pinning uses OpenHFT's affinity
 * library if it is on the class path and the OS allows it; otherwise one warning is logged per job
 * and the threads run unpinned.
 */
final class TaskThreadFactory
{
    private static final System.Logger LOGGER = System.getLogger(TaskThreadFactory.class.getName());

    private final String jobName;
    private final int[] cpus;
    private final AtomicBoolean warned = new AtomicBoolean();
    private int nextCpu;

    TaskThreadFactory(final String jobName, final int[] cpus)
    {
        this.jobName = jobName;
        this.cpus = cpus.clone();
    }

    ThreadFactory forTask(final String roleName)
    {
        final int cpu = cpus.length == 0 ? -1 : cpus[nextCpu++ % cpus.length];
        return runnable ->
        {
            final Thread thread = new Thread(() ->
            {
                if (cpu >= 0)
                {
                    pin(cpu);
                }
                runnable.run();
            }, "riffle-" + jobName + '-' + roleName);
            thread.setDaemon(false);
            return thread;
        };
    }

    private void pin(final int cpu)
    {
        try
        {
            net.openhft.affinity.Affinity.setAffinity(cpu);
        }
        catch (final Throwable t)
        {
            if (warned.compareAndSet(false, true))
            {
                LOGGER.log(System.Logger.Level.WARNING,
                    "CPU pinning unavailable for job '" + jobName + "', running unpinned: " + t);
            }
        }
    }
}
