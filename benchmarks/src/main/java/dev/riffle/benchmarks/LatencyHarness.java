package dev.riffle.benchmarks;

import dev.riffle.api.JobHandle;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.checkpoint.StartPoint;
import dev.riffle.api.connectors.Ingress;
import dev.riffle.api.connector.Sink;
import dev.riffle.api.connector.SinkWriter;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end latency of a keyed pipeline at a fixed offered rate, with and without checkpointing:
 * a host thread offers events into an {@link Ingress} on a fixed schedule (latency is measured from
 * the scheduled send time, so a stalled pipeline cannot hide its stalls: no coordinated omission),
 * keyBy → a {@code LongValueState} count ({@link CounterPerKey}) → a sink that records the latency
 * into an HdrHistogram. The sender does not spin: it offers the events that are due, then parks until
 * the next one, so events leave in small bursts (the kernel's park granularity, ~50–60 µs here), which is in every figure, including the
 * median.
 * <p>
 * The schedule starts only once the job is ready: one probe event is offered and the harness waits
 * until the sink has seen it, so the state backend is open and the whole path has carried a record.
 * A backend that is slow to start (Chronicle Map builds its map for ~1.6 s) would otherwise leave a
 * backlog of scheduled events that the warm-up does not cover, and the figures would measure the
 * catch-up instead of the steady state. The time from {@code executeAsync} to readiness is printed
 * beside the figures. (Readiness is not warmth: the JIT still compiles the backend's paths during the
 * first seconds, which the 20 % warm-up is there to absorb.)
 * <p>
 * Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * dev.riffle.benchmarks.LatencyHarness [ratePerSecond] [seconds] [keys] [checkpointMs...]}; the backend
 * with {@code -Driffle.state=HEAP|OFF_HEAP|CHRONICLE} (Chronicle needs its JVM flags, docs/state.md), where
 * the off-heap state's pages go with {@code -Driffle.stateDirectory=DIR} (default: /dev/shm when it has
 * room; checkpoints go to the temp directory), the task threads' idle strategy with
 * {@code -Driffle.idle=spins,yields,minParkNanos,maxParkNanos} (a {@code BackoffIdleStrategy}; default
 * the engine's). CPU isolation (all unset by default): {@code -Driffle.taskCpus=1} pins the task threads
 * ({@code RiffleConfig.cpuAffinity}), {@code -Driffle.serviceCpus=0} the checkpoint control and snapshot
 * threads ({@code RiffleConfig.serviceCpuAffinity}), {@code -Driffle.senderCpu=1} the sender while it
 * sends; with the JVM started under {@code taskset -c 0}, its own threads (JIT compilers, GC) stay off
 * the task threads' CPU too. Each run also prints the CPU time of the process and of its busiest threads, the JIT's
 * compile time, and the host's steal ({@link ThreadCpu}): a run in which the JIT still compiles the
 * checkpoint path, or the host took a slice, is not a steady-state figure. Give the JVM a young generation
 * of a few hundred MB ({@code -Xms1g -Xmx1g -Xmn512m}): each run starts after a full collection, and then
 * none falls into its measured window.
 */
public final class LatencyHarness
{
    /**
     * Marks the probe event: not recorded, it only tells the harness the job carries records.
     */
    static final long PROBE = -2;

    /**
     * Marks a warm-up event: carried like the others, not recorded.
     */
    static final long WARM_UP = -1;

    /**
     * Longest wait for the job to carry the probe; a Chronicle Map build of a large map takes seconds.
     */
    private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private LatencyHarness()
    {
    }

    /**
     * @param args rate, seconds, distinct keys, then one or more checkpoint intervals in ms (0 = none).
     * @throws Exception if a job fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final long rate = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final int keys = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        final long[] intervals = args.length > 3 ?
            java.util.Arrays.stream(args, 3, args.length).mapToLong(Long::parseLong).toArray() : new long[]{0, 100};
        System.out.printf("rate %,d/s, %d s, %,d keys, %s state, default idle strategy, CPUs: tasks %s, " +
            "service threads %s, sender %s%n", rate, seconds, keys, backend(),
            System.getProperty("riffle.taskCpus", "any"), System.getProperty("riffle.serviceCpus", "any"),
            System.getProperty("riffle.senderCpu", "any"));
        for (final long interval : intervals)
        {
            run(rate, seconds, keys, interval);
        }
    }

    private static void run(final long rate, final int seconds, final int keys, final long intervalMs) throws Exception
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final CountDownLatch probeSeen = new CountDownLatch(1);
        final Ingress<long[]> ingress = new Ingress<>(1 << 16);
        final RiffleConfig config = new RiffleConfig().stateBackend(backend());
        final String idle = System.getProperty("riffle.idle");
        if (null != idle)
        {
            final long[] p = java.util.Arrays.stream(idle.split(",")).mapToLong(Long::parseLong).toArray();
            config.idleStrategy(() -> new org.agrona.concurrent.BackoffIdleStrategy(p[0], p[1], p[2], p[3]));
        }
        config.cpuAffinity(cpus("riffle.taskCpus")).serviceCpuAffinity(cpus("riffle.serviceCpus"));
        final String stateDirectory = System.getProperty("riffle.stateDirectory");
        if (null != stateDirectory)
        {
            config.stateDirectory(Path.of(stateDirectory));
        }
        final Path directory = Files.createTempDirectory("riffle-latency-");
        // The harness allocates per event (its event array, the boxed key of keyBy), ~6 MB/s: with G1's
        // small default young generation a collection (~5 ms) fell into one run in three, whichever mode
        // it measured. A full collection before each run and a young generation that holds a run's
        // garbage (-Xmn, class javadoc) keep collections out of the measured windows.
        System.gc();
        try
        {
            if (intervalMs > 0)
            {
                config.checkpointing().interval(Duration.ofMillis(intervalMs)).directory(directory)
                    .startPoint(StartPoint.fresh());
            }
            measure(config, histogram, probeSeen, ingress, rate, seconds, keys, intervalMs);
        }
        finally
        {
            BenchmarkFiles.deleteRecursively(directory);
        }
    }

    private static void measure(
        final RiffleConfig config,
        final Histogram histogram,
        final CountDownLatch probeSeen,
        final Ingress<long[]> ingress,
        final long rate,
        final int seconds,
        final int keys,
        final long intervalMs) throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(config);
        env.fromSource(ingress, "Ingress")
            .keyBy(e -> e[0])
            .process(new CounterPerKey<Long, long[]>())
            .sinkTo(new LatencySink(histogram, probeSeen));
        final long executeStart = System.nanoTime();
        final JobHandle job = env.executeAsync("latency");
        awaitReady(job, ingress, probeSeen);
        final long readyNanos = System.nanoTime() - executeStart;

        final long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        final long total = rate * seconds;
        final long warmup = total / 5;
        final long stealBefore = stealMillis();
        final ThreadCpu cpu = new ThreadCpu();
        final int[] senderCpu = cpus("riffle.senderCpu");
        // pinned only now: the job's threads were started with this thread's affinity as it was
        final java.util.BitSet senderAffinity = 0 == senderCpu.length ? null : net.openhft.affinity.Affinity.getAffinity();
        if (null != senderAffinity)
        {
            net.openhft.affinity.Affinity.setAffinity(senderCpu[0]);
        }
        cpu.start();
        final long start = System.nanoTime();
        long i = 0;
        while (i < total)
        {
            // offer every event whose time has come, then sleep until the next one is due: the sender
            // must not spin, or on a small machine it takes a core from the job it measures
            final long due = Math.min(total, (System.nanoTime() - start) / periodNanos + 1);
            for (; i < due; i++)
            {
                final long scheduled = start + i * periodNanos;
                ingress.offer(new long[]{i % keys, i < warmup ? WARM_UP : scheduled});
            }
            final long wait = start + i * periodNanos - System.nanoTime();
            if (i < total && wait > 0)
            {
                LockSupport.parkNanos(wait);
            }
        }
        final String cpuReport = cpu.report();
        if (null != senderAffinity)
        {
            net.openhft.affinity.Affinity.setAffinity(senderAffinity);
        }
        ingress.close();
        job.await();
        final long stealAfter = stealMillis();
        final long steal = stealBefore < 0 || stealAfter < 0 ? -1 : stealAfter - stealBefore;
        System.out.printf("checkpoint %-6s p50 %,8d ns  p99 %,9d ns  p99.9 %,10d ns  max %,11d ns  " +
            "(%,d samples, %d checkpoints, ready %,d ms after executeAsync, host steal %s)%n",
            intervalMs == 0 ? "none" : intervalMs + "ms",
            histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
            histogram.getValueAtPercentile(99.9), histogram.getMaxValue(), histogram.getTotalCount(),
            job.completedCheckpoints(), TimeUnit.NANOSECONDS.toMillis(readyNanos),
            steal < 0 ? "n/a" : steal + " ms");
        System.out.println("    " + cpuReport);
    }

    /**
     * CPU time the hypervisor gave to other guests while this one wanted it (the "steal" column of
     * {@code /proc/stat}, all CPUs), in ms; -1 where there is no such file. On the development VM a run
     * sometimes lost a single ~100 ms slice to the host, which then is the run's maximum and its p99.9
     * whatever the job does: such runs are marked by their steal and not comparable.
     */
    static long stealMillis()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/stat")))
            {
                if (line.startsWith("cpu "))
                {
                    final String[] fields = line.trim().split("\\s+");
                    return fields.length > 8 ? Long.parseLong(fields[8]) * 10 : -1; // USER_HZ = 100
                }
            }
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            // not Linux, or not readable
        }
        return -1;
    }

    /**
     * Offers one probe event and waits until the sink has seen it: from then on the backend is open
     * and every task has run, so the fixed-rate schedule measures the steady state. Waits on the latch
     * in slices so that a job that fails while starting is reported at once, not after the timeout.
     */
    private static void awaitReady(final JobHandle job, final Ingress<long[]> ingress, final CountDownLatch probeSeen)
        throws Exception
    {
        final long start = System.nanoTime();
        ingress.offer(new long[]{0, PROBE});
        while (!probeSeen.await(100, TimeUnit.MILLISECONDS))
        {
            if (job.status().isTerminal())
            {
                job.await();
                throw new IllegalStateException("job ended before it carried the probe event");
            }
            if (System.nanoTime() - start > READY_TIMEOUT_NANOS)
            {
                job.cancel();
                throw new IllegalStateException("job did not carry the probe event within " +
                    TimeUnit.NANOSECONDS.toSeconds(READY_TIMEOUT_NANOS) + " s");
            }
        }
    }

    /**
     * @return the CPU list in a system property ({@code 1} or {@code 0,1}), empty if it is not set.
     */
    static int[] cpus(final String property)
    {
        final String value = System.getProperty(property, "").trim();
        return value.isEmpty() ? new int[0] : java.util.Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /**
     * @return the backend named by {@code -Driffle.state=HEAP|OFF_HEAP|CHRONICLE}, off-heap by default.
     */
    private static dev.riffle.api.StateBackendType backend()
    {
        return dev.riffle.api.StateBackendType.valueOf(System.getProperty("riffle.state", "OFF_HEAP"));
    }

    static final class LatencySink implements Sink<long[]>
    {
        private final Histogram histogram;
        private final CountDownLatch probeSeen;

        LatencySink(final Histogram histogram, final CountDownLatch probeSeen)
        {
            this.histogram = histogram;
            this.probeSeen = probeSeen;
        }

        @Override
        public SinkWriter<long[]> createWriter(final dev.riffle.api.connector.SinkContext context)
        {
            return record ->
            {
                if (record[1] >= 0)
                {
                    histogram.recordValue(Math.max(0, System.nanoTime() - record[1]));
                }
                else if (record[1] == PROBE)
                {
                    probeSeen.countDown();
                }
            };
        }
    }
}
