package dev.riffle.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU time each thread of this JVM used between {@link #start()} and {@link #report()}, by thread name,
 * beside the process's total and the JIT's compile time: where a run's CPU went (task threads, snapshot
 * thread, coordinator, compilers), to tell a run that is short of CPU from one that waits, and a warm
 * run from one in which the JIT still compiles (on two cores a compiler thread holds a core for
 * milliseconds at a time). Threads that ended in between are missed
 * (their time is in the total only). Harness thread only.
 */
final class ThreadCpu
{
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startNanos = new HashMap<>();
    private long processStartNanos;
    private long compileStartMillis;
    private long wallStartNanos;

    /**
     * Takes the starting figures.
     */
    void start()
    {
        startNanos.clear();
        for (final long id : threads.getAllThreadIds())
        {
            startNanos.put(id, threads.getThreadCpuTime(id));
        }
        processStartNanos = processCpuNanos();
        compileStartMillis = compileMillis();
        wallStartNanos = System.nanoTime();
    }

    /**
     * @return one line: the process's CPU time, the cores it used on average, and the threads that used
     * at least 1 % of the run's wall time, by name, in ms.
     */
    String report()
    {
        final long wall = System.nanoTime() - wallStartNanos;
        final Map<String, Long> byName = new TreeMap<>();
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (null == info)
            {
                continue;
            }
            final long now = threads.getThreadCpuTime(info.getThreadId());
            final long before = startNanos.getOrDefault(info.getThreadId(), 0L);
            if (now > 0)
            {
                byName.merge(info.getThreadName(), now - Math.max(0, before), Long::sum);
            }
        }
        final long process = processCpuNanos() - processStartNanos;
        final String top = byName.entrySet().stream()
            .filter(e -> e.getValue() * 100 >= wall)
            .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
            .map(e -> e.getKey() + " " + e.getValue() / 1_000_000)
            .collect(Collectors.joining(", "));
        return String.format("cpu %,d ms (%.2f cores), JIT compiling %,d ms: %s", process / 1_000_000,
            (double)process / wall, compileMillis() - compileStartMillis, top);
    }

    /**
     * @return the JIT compilers' accumulated time (all compiler threads), ms; compiler threads are not
     * among the threads {@link ThreadMXBean} lists.
     */
    static long compileMillis()
    {
        final java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return null != jit && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    static long processCpuNanos()
    {
        final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }
}
