package dev.riffle.benchmarks;

import dev.riffle.api.DataStream;
import dev.riffle.api.KeyedStream;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StreamEnvironment;

import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * A keyed count job ({@code LongValueState} per key, {@link CounterPerKey}) on the default off-heap
 * backend with {@code Long} keys, once with {@code keyBy(selector)} and once with
 * {@code keyBy(selector, Long.class)} — the declared key type puts the count in a long state — measured in
 * pairs: each round runs both jobs back to back (the order alternating), and the ratio declared /
 * undeclared time per record is taken per round ({@link PairedStatistics}). Keys are drawn at random
 * from {@code distinct} values, so the state ends with about that many entries.
 * <p>
 * Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Xmx4g -cp
 * benchmarks/target/benchmarks.jar dev.riffle.benchmarks.DeclaredKeyHarness [distinct keys] [records per job]
 * [rounds] [parallelism]} (defaults 1,000,000, 8,000,000, 6, 1).
 */
public final class DeclaredKeyHarness
{
    private static final int ORDER_MASK = (1 << 22) - 1;

    private DeclaredKeyHarness()
    {
    }

    /**
     * @param args distinct keys, records per job, rounds, parallelism.
     * @throws Exception if a job fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final int distinct = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int records = args.length > 1 ? Integer.parseInt(args[1]) : 8_000_000;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        final int parallelism = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        if (distinct <= 0 || records <= 0 || rounds < 2 || parallelism <= 0)
        {
            throw new IllegalArgumentException("need distinct keys > 0, records > 0, at least 2 rounds, parallelism > 0");
        }
        final Long[] keys = new Long[distinct];
        for (int i = 0; i < distinct; i++)
        {
            keys[i] = i * 2_654_435_761L;
        }
        final int[] order = new int[ORDER_MASK + 1];
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < order.length; i++)
        {
            order[i] = random.nextInt(distinct);
        }
        final LongFunction<Long> generator = i -> keys[order[(int)(i & ORDER_MASK)]];
        final double[] undeclared = new double[rounds];
        final double[] declared = new double[rounds];
        final double[] ratios = new double[rounds];
        for (int round = -1; round < rounds; round++) // one round of warm-up
        {
            double undeclaredNanos = 0;
            double declaredNanos = 0;
            for (int turn = 0; turn < 2; turn++)
            {
                final boolean declare = (turn == 0) == ((round & 1) == 0);
                final double nanos = run(generator, records, parallelism, declare);
                if (declare)
                {
                    declaredNanos = nanos;
                }
                else
                {
                    undeclaredNanos = nanos;
                }
            }
            if (round >= 0)
            {
                undeclared[round] = undeclaredNanos;
                declared[round] = declaredNanos;
                ratios[round] = declaredNanos / undeclaredNanos;
            }
        }
        System.out.printf("%,d distinct Long keys, %,d records per job, parallelism %d%n", distinct, records,
            parallelism);
        System.out.printf("keyBy(selector): %.1f ns per record, keyBy(selector, Long.class): %.1f ns (medians); " +
            "declared / undeclared: %s%n", PairedStatistics.stats(undeclared)[0], PairedStatistics.stats(declared)[0],
            PairedStatistics.ratio(ratios));
    }

    private static double run(final LongFunction<Long> generator, final int records, final int parallelism,
        final boolean declare) throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(parallelism));
        final DataStream<Long> source = env.generate(records, generator);
        final KeyedStream<Long, Long> keyed = declare ? source.keyBy(k -> k, Long.class) : source.keyBy(k -> k);
        keyed.process(new CounterPerKey<>()).sinkTo(new KeyedCountBenchmark.Discard<>());
        final long start = System.nanoTime();
        env.execute(declare ? "declared-keys" : "undeclared-keys");
        return (System.nanoTime() - start) / (double)records;
    }
}
