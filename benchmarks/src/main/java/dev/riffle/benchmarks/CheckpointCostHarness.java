package dev.riffle.benchmarks;

import dev.riffle.api.JobHandle;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StateBackendType;
import dev.riffle.api.StreamEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The throughput cost of checkpointing measured in pairs: the keyed count job of
 * {@link CheckpointOverheadBenchmark} run alternately without checkpoints and with checkpoints every
 * {@code intervalMs}, in one JVM, and the cost taken per pair, {@code 1 - with / without}.
 * <p>
 * Why pairs. On the development VM the throughput of the same job drifts by ±20–30 % over minutes (the
 * host's load, its memory), more than the cost being measured; JMH runs one parameter's forks after the
 * other, so a drift between them reads as a cost or a gain. Two jobs a few seconds apart share the
 * host's state; the pairs' order alternates (ABBA) so that a trend within a pair cancels over two; the
 * median and the mean's 95 % confidence interval over the pairs then say how large the cost is and how
 * sure that is. Each job also reports the process's CPU time per record (what checkpointing adds in
 * work, whatever the host did), the JIT's compile time and the host's steal during it: a pair whose
 * checkpointing job still compiled the checkpoint path, or lost time to the host, shows it.
 * <p>
 * Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Xmx2g -cp
 * benchmarks/target/benchmarks.jar dev.riffle.benchmarks.CheckpointCostHarness [pairs] [intervalMs]
 * [records per job] [warm-up pairs]} (defaults 10, 100, 16,000,000, 2); the backend with
 * {@code -Driffle.state=OFF_HEAP|HEAP} (default off-heap); CPU pinning (unset by default) as in
 * {@link LatencyHarness}: {@code -Driffle.taskCpus=0,1} pins the task threads in order of start (the
 * source, then the keyed task), {@code -Driffle.serviceCpus=0} the checkpoint control and snapshot
 * threads. Checkpoints go to a temporary directory in
 * {@code java.io.tmpdir}, state pages where the engine puts them by default.
 */
public final class CheckpointCostHarness
{
    private CheckpointCostHarness()
    {
    }

    /**
     * @param args pairs, checkpoint interval in ms, records per job, warm-up pairs.
     * @throws Exception if a job fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final long intervalMs = args.length > 1 ? Long.parseLong(args[1]) : 100;
        final long records = args.length > 2 ? Long.parseLong(args[2]) : 16_000_000;
        final int warmUpPairs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        if (pairs < 2 || intervalMs <= 0 || records <= 0 || warmUpPairs < 0)
        {
            throw new IllegalArgumentException("need at least 2 pairs, a positive interval and record count, " +
                "and no negative warm-up: " + Arrays.toString(args));
        }
        final StateBackendType backend = StateBackendType.valueOf(System.getProperty("riffle.state", "OFF_HEAP"));
        System.out.printf("%s state, %,d records per job over %,d keys, checkpoints every %d ms against none, " +
            "%d warm-up pairs, %d measured pairs, CPUs: tasks %s, service threads %s%n", backend, records,
            CheckpointOverheadBenchmark.DISTINCT_KEYS, intervalMs, warmUpPairs, pairs,
            System.getProperty("riffle.taskCpus", "any"), System.getProperty("riffle.serviceCpus", "any"));
        final Object[] keys = CheckpointOverheadBenchmark.keys();
        final Path directory = Files.createTempDirectory("riffle-checkpoint-cost-");
        try
        {
            final double[] costs = new double[pairs];
            final double[] cpuCosts = new double[pairs];
            for (int pair = -warmUpPairs; pair < pairs; pair++)
            {
                // ABBA: even pairs start without checkpoints, odd ones with
                final boolean withFirst = (pair & 1) != 0;
                final JobRun first = run(backend, keys, records, withFirst ? intervalMs : 0, directory);
                final JobRun second = run(backend, keys, records, withFirst ? 0 : intervalMs, directory);
                final JobRun with = withFirst ? first : second;
                final JobRun without = withFirst ? second : first;
                final double cost = 1 - with.recordsPerSecond() / without.recordsPerSecond();
                final double cpuCost = with.cpuNanosPerRecord() / without.cpuNanosPerRecord() - 1;
                System.out.printf("%s %3d  none %s | %d ms %s | cost %+6.1f %%, CPU per record %+6.1f %%%n",
                    pair < 0 ? "warm-up" : "pair   ", pair < 0 ? pair + warmUpPairs : pair, without, intervalMs,
                    with, 100 * cost, 100 * cpuCost);
                if (pair >= 0)
                {
                    costs[pair] = cost;
                    cpuCosts[pair] = cpuCost;
                }
            }
            System.out.println("throughput cost:     " + PairedStatistics.percent(costs));
            System.out.println("CPU cost per record: " + PairedStatistics.percent(cpuCosts));
        }
        finally
        {
            BenchmarkFiles.deleteRecursively(directory);
        }
    }

    private static JobRun run(final StateBackendType backend, final Object[] keys, final long records,
        final long intervalMs, final Path directory) throws Exception
    {
        final RiffleConfig config = CheckpointOverheadBenchmark.config(backend, 1024, 1000, intervalMs, directory)
            .cpuAffinity(LatencyHarness.cpus("riffle.taskCpus"))
            .serviceCpuAffinity(LatencyHarness.cpus("riffle.serviceCpus"));
        final StreamEnvironment env = CheckpointOverheadBenchmark.define(StreamEnvironment.create(config), keys,
            records);
        final long stealBefore = LatencyHarness.stealMillis();
        final long jitBefore = ThreadCpu.compileMillis();
        final long cpuBefore = ThreadCpu.processCpuNanos();
        final long start = System.nanoTime();
        final JobHandle job = env.executeAsync("checkpoint-cost");
        job.await();
        final long wall = System.nanoTime() - start;
        final long cpu = ThreadCpu.processCpuNanos() - cpuBefore;
        final long steal = LatencyHarness.stealMillis() - stealBefore;
        return new JobRun(records, wall, cpu, ThreadCpu.compileMillis() - jitBefore, stealBefore < 0 ? -1 : steal,
            job.completedCheckpoints());
    }

    /**
     * One job's figures.
     */
    private record JobRun(long records, long wallNanos, long cpuNanos, long jitMillis, long stealMillis,
        long checkpoints)
    {
        double recordsPerSecond()
        {
            return records * 1e9 / wallNanos;
        }

        double cpuNanosPerRecord()
        {
            return (double)cpuNanos / records;
        }

        @Override
        public String toString()
        {
            return String.format("%.2f M/s, %4.0f ns CPU/record, JIT %,5d ms, steal %3d ms, %3d checkpoints",
                recordsPerSecond() / 1e6, cpuNanosPerRecord(), jitMillis, stealMillis, checkpoints);
        }
    }
}
