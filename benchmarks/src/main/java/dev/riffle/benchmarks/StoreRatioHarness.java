package dev.riffle.benchmarks;

import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.StoreOptions;
import org.agrona.collections.Long2LongHashMap;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The off-heap store's long → long get, put and increment against Agrona's {@link Long2LongHashMap},
 * measured in pairs: in every round each operation runs on both structures back to back (the order
 * alternating between rounds), over the same random keys, and the ratio store / map is taken per
 * round; then the median and the mean's 95 % confidence interval over the rounds
 * ({@link PairedStatistics}).
 * <p>
 * Why not only {@link StoreBenchmark}. JMH measures one benchmark method after the other, minutes
 * apart, and on the development VM the memory latency of one process drifts by 20–30 % over that
 * time, so a ratio of two JMH scores carries both errors (±30–60 % there). Two loops a fraction of a
 * second apart in one process see the same machine. Both structures hold the same keys, present,
 * accessed at random over 128 key groups as in {@code StoreBenchmark}; the store's pages are where
 * the engine keeps them by default ({@link BenchmarkFiles#stateDirectory}).
 * <p>
 * Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Xmx4g -cp
 * benchmarks/target/benchmarks.jar dev.riffle.benchmarks.StoreRatioHarness [keys] [rounds]
 * [operations per round] [warm-up rounds] [byte|long] [put|add]} (defaults 1,000,000, 20, 2,000,000, 3, byte,
 * put): the store's entries in a byte state ({@link PagedKeyedStore#registerState}) or a long state
 * ({@link PagedKeyedStore#registerLongState}), filled by puts or by increments. C2 compiles the method that
 * fills the store while it inserts, and that compilation runs updates afterwards ~40 % slower: a put is
 * measured as it runs in the steady state after a fill by increments, a get and an increment after a fill
 * by puts (docs/benchmarks.md).
 */
public final class StoreRatioHarness
{
    private static final int KEY_GROUPS = 128;
    private static final int SEQUENCE_MASK = (1 << 20) - 1;
    private static final String[] OPERATIONS = {"get", "put", "increment"};

    private StoreRatioHarness()
    {
    }

    /**
     * @param args keys, rounds, operations per round, warm-up rounds, state kind, fill method.
     * @throws Exception if the store cannot be created.
     */
    public static void main(final String[] args) throws Exception
    {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        final int operations = args.length > 2 ? Integer.parseInt(args[2]) : 2_000_000;
        final int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        final String kind = args.length > 4 ? args[4] : "byte";
        final boolean fillByIncrements = args.length > 5 && args[5].equals("add");
        if (keys <= 0 || rounds < 2 || operations <= 0 || warmUp < 0 || !(kind.equals("byte") || kind.equals("long")))
        {
            throw new IllegalArgumentException("need keys > 0, at least 2 rounds, operations > 0, warm-up >= 0, " +
                "a state kind byte or long");
        }
        final Path directory = BenchmarkFiles.stateDirectory("riffle-store-ratio-");
        try (PagedKeyedStore store = PagedKeyedStore.create(directory.resolve("store"), 0, KEY_GROUPS - 1,
            StoreOptions.DEFAULT))
        {
            final int state = kind.equals("long") ? store.registerLongState("count") : store.registerState("count");
            final Long2LongHashMap map = new Long2LongHashMap(-1);
            for (long k = 0; k < keys; k++)
            {
                if (fillByIncrements)
                {
                    store.addLong(keyGroup(k), state, k, k);
                }
                else
                {
                    store.putLong(keyGroup(k), state, k, k);
                }
                map.put(k, k);
            }
            final long[] sequence = new long[SEQUENCE_MASK + 1];
            final SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < sequence.length; i++)
            {
                sequence[i] = random.nextLong(keys);
            }
            System.out.printf("%,d keys in a %s state filled by %s, %d rounds of %,d operations per structure and " +
                "operation, %d warm-up%n", keys, kind, fillByIncrements ? "increments" : "puts", rounds, operations,
                warmUp);
            measure(store, state, map, sequence, rounds, operations, warmUp);
        }
        finally
        {
            BenchmarkFiles.deleteStateDirectory(directory);
        }
    }

    private static void measure(final PagedKeyedStore store, final int state, final Long2LongHashMap map,
        final long[] sequence, final int rounds, final int operations, final int warmUp)
    {
        final double[][][] nanos = PairedRounds.measure(OPERATIONS.length, rounds, warmUp, operations,
            (op, start) -> onStore(op, store, state, sequence, start, operations),
            (op, start) -> onMap(op, map, sequence, start, operations));
        for (int op = 0; op < OPERATIONS.length; op++)
        {
            System.out.printf("%-9s store %6.1f ns, Long2LongHashMap %6.1f ns (medians); store / map: %s%n",
                OPERATIONS[op], PairedStatistics.stats(nanos[0][op])[0], PairedStatistics.stats(nanos[1][op])[0],
                PairedStatistics.ratio(PairedRounds.ratios(nanos[0][op], nanos[1][op])));
        }
    }

    private static long onStore(final int op, final PagedKeyedStore store, final int state, final long[] sequence,
        final int start, final int operations)
    {
        return switch (op)
        {
            case 0 -> storeGets(store, state, sequence, start, operations);
            case 1 -> storePuts(store, state, sequence, start, operations);
            default -> storeIncrements(store, state, sequence, start, operations);
        };
    }

    private static long onMap(final int op, final Long2LongHashMap map, final long[] sequence, final int start,
        final int operations)
    {
        return switch (op)
        {
            case 0 -> mapGets(map, sequence, start, operations);
            case 1 -> mapPuts(map, sequence, start, operations);
            default -> mapIncrements(map, sequence, start, operations);
        };
    }

    private static long storeGets(final PagedKeyedStore store, final int state, final long[] sequence,
        final int start, final int operations)
    {
        long sum = 0;
        for (int i = 0; i < operations; i++)
        {
            final long k = sequence[(start + i) & SEQUENCE_MASK];
            sum += store.getLong(keyGroup(k), state, k, -1);
        }
        return sum;
    }

    private static long storePuts(final PagedKeyedStore store, final int state, final long[] sequence,
        final int start, final int operations)
    {
        for (int i = 0; i < operations; i++)
        {
            final long k = sequence[(start + i) & SEQUENCE_MASK];
            store.putLong(keyGroup(k), state, k, k + start + i); // a new value: a real overwrite
        }
        return 0;
    }

    private static long storeIncrements(final PagedKeyedStore store, final int state, final long[] sequence,
        final int start, final int operations)
    {
        long sum = 0;
        for (int i = 0; i < operations; i++)
        {
            final long k = sequence[(start + i) & SEQUENCE_MASK];
            sum += store.addLong(keyGroup(k), state, k, 1);
        }
        return sum;
    }

    private static long mapGets(final Long2LongHashMap map, final long[] sequence, final int start,
        final int operations)
    {
        long sum = 0;
        for (int i = 0; i < operations; i++)
        {
            sum += map.get(sequence[(start + i) & SEQUENCE_MASK]);
        }
        return sum;
    }

    private static long mapPuts(final Long2LongHashMap map, final long[] sequence, final int start,
        final int operations)
    {
        for (int i = 0; i < operations; i++)
        {
            final long k = sequence[(start + i) & SEQUENCE_MASK];
            map.put(k, k + start + i);
        }
        return 0;
    }

    private static long mapIncrements(final Long2LongHashMap map, final long[] sequence, final int start,
        final int operations)
    {
        long sum = 0;
        for (int i = 0; i < operations; i++)
        {
            final long k = sequence[(start + i) & SEQUENCE_MASK];
            final long v = map.get(k) + 1;
            map.put(k, v);
            sum += v;
        }
        return sum;
    }

    private static int keyGroup(final long key)
    {
        return (int)(key & (KEY_GROUPS - 1));
    }
}
