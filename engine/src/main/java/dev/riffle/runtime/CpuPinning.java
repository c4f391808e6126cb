package dev.riffle.runtime;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pins the calling thread to a set of CPUs through OpenHFT's affinity library, an optional dependency:
 * where the library is missing or the OS refuses, the first failure of a job is logged as one warning
 * and its threads run unpinned. Thread-safe; one per job.
 * <p>
 * A thread inherits the affinity of the thread that starts it. The job's control thread starts the task
 * threads, so when the service threads are pinned and the task threads are not, the task threads are
 * given back the affinity the job's creator had ({@link #current()}), instead of sharing the service
 * threads' CPUs unasked.
 */
final class CpuPinning
{
    private static final System.Logger LOGGER = System.getLogger(CpuPinning.class.getName());

    private final String jobName;
    private final AtomicBoolean warned = new AtomicBoolean();

    CpuPinning(final String jobName)
    {
        this.jobName = jobName;
    }

    /**
     * @param cpus CPU numbers, none negative.
     * @return them as a set, or null if there are none.
     */
    static BitSet setOf(final int... cpus)
    {
        if (0 == cpus.length)
        {
            return null;
        }
        final BitSet set = new BitSet();
        for (final int cpu : cpus)
        {
            set.set(cpu);
        }
        return set;
    }

    /**
     * @return the calling thread's affinity, or null if it cannot be read.
     */
    static BitSet current()
    {
        try
        {
            return net.openhft.affinity.Affinity.getAffinity();
        }
        catch (final Throwable t)
        {
            return null;
        }
    }

    /**
     * @return a new thread that pins itself to {@code affinity} (unless null) before it runs
     * {@code runnable}.
     */
    Thread newThread(final String name, final BitSet affinity, final Runnable runnable)
    {
        return new Thread(() ->
        {
            pinCurrentThread(affinity);
            runnable.run();
        }, name);
    }

    /**
     * Pins the calling thread to {@code cpus}; does nothing for null.
     */
    void pinCurrentThread(final BitSet cpus)
    {
        if (null == cpus)
        {
            return;
        }
        try
        {
            net.openhft.affinity.Affinity.setAffinity(cpus);
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
