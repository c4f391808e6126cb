package dev.riffle.benchmarks;

import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.StoreOptions;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * String → long get, put and increment on the off-heap store against Chronicle Map, measured in pairs
 * as {@link StoreRatioHarness} measures long keys against {@code Long2LongHashMap}: in every round each
 * operation runs on both maps back to back over the same random keys (the order alternating between
 * rounds), and the ratio Chronicle / store — how many times faster the store is — is taken per round.
 * The keys and the APIs are {@link StringKeyBenchmark}'s: {@code "user-<n>"} written per operation
 * ({@link UserKeys}), the store's byte-key API, Chronicle's zero-garbage {@code getUsing} and
 * {@code acquireUsing} with a reused {@link StringBuilder} key. Chronicle's put of a present key is
 * {@code acquireUsing(key, reference).setValue(v)}: its {@code put(key, value)} with a {@code LongValue}
 * inserts a second entry for a present key in Chronicle Map 3.27ea0 (docs/benchmarks.md). Both maps are
 * filled by their generic put and live where the engine keeps state by default
 * ({@link BenchmarkFiles#stateDirectory}). After the rounds every key's value is checked against the
 * other map's, so that neither measured a map that lost or duplicated entries.
 * <p>
 * Run (Chronicle Map needs the flags of docs/state.md): {@code java
 * --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
 * --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED
 * --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
 * --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
 * --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
 * -Dchronicle.analytics.disable=true -Xmx4g -cp benchmarks/target/benchmarks.jar
 * dev.riffle.benchmarks.StringRatioHarness [keys] [rounds] [operations per round] [warm-up rounds]}
 * (defaults 1,000,000, 20, 1,000,000, 3).
 */
public final class StringRatioHarness
{
    private static final int KEY_GROUPS = 128;
    private static final int SEQUENCE_MASK = (1 << 20) - 1;
    private static final String[] OPERATIONS = {"get", "put", "increment"};

    private final PagedKeyedStore store;
    private final int state;
    private final byte[] keyBytes = new byte[UserKeys.MAX_LENGTH];
    private final UnsafeBuffer key = new UnsafeBuffer(keyBytes);
    private final ChronicleMap<CharSequence, LongValue> chronicle;
    private final StringBuilder chronicleKey = new StringBuilder();
    private final LongValue chronicleValue = Values.newHeapInstance(LongValue.class);
    private final LongValue chronicleReference = Values.newNativeReference(LongValue.class);
    private final int[] sequence;

    private StringRatioHarness(final Path directory, final int keys) throws Exception
    {
        store = PagedKeyedStore.create(directory.resolve("store"), 0, KEY_GROUPS - 1, StoreOptions.DEFAULT);
        state = store.registerState("count");
        chronicle = ChronicleMap.of(CharSequence.class, LongValue.class).name("string-ratio").entries(keys)
            .averageKey("user-12345678").createPersistedTo(directory.resolve("chronicle.map").toFile());
        final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);
        for (int id = 0; id < keys; id++)
        {
            value.putLong(0, id);
            store.put(keyGroup(id), state, key, 0, UserKeys.encode(id, keyBytes), value, 0, Long.BYTES);
            UserKeys.build(id, chronicleKey);
            chronicleValue.setValue(id);
            chronicle.put(chronicleKey, chronicleValue);
        }
        sequence = new int[SEQUENCE_MASK + 1];
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < sequence.length; i++)
        {
            sequence[i] = random.nextInt(keys);
        }
    }

    /**
     * @param args keys, rounds, operations per round, warm-up rounds.
     * @throws Exception if a map cannot be created.
     */
    public static void main(final String[] args) throws Exception
    {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        final int operations = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        final int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        if (keys <= 0 || rounds < 2 || operations <= 0 || warmUp < 0)
        {
            throw new IllegalArgumentException("need keys > 0, at least 2 rounds, operations > 0, warm-up >= 0");
        }
        final Path directory = BenchmarkFiles.stateDirectory("riffle-string-ratio-");
        StringRatioHarness harness = null;
        try
        {
            harness = new StringRatioHarness(directory, keys);
            System.out.printf("%,d String keys, %d rounds of %,d operations per map and operation, %d warm-up%n",
                keys, rounds, operations, warmUp);
            harness.measure(rounds, operations, warmUp);
            harness.verify(keys);
        }
        finally
        {
            if (null != harness)
            {
                harness.store.close();
                harness.chronicle.close();
            }
            BenchmarkFiles.deleteStateDirectory(directory);
        }
    }

    private void measure(final int rounds, final int operations, final int warmUp)
    {
        final double[][][] nanos = PairedRounds.measure(OPERATIONS.length, rounds, warmUp, operations,
            (op, start) -> onStore(op, start, operations), (op, start) -> onChronicle(op, start, operations));
        for (int op = 0; op < OPERATIONS.length; op++)
        {
            System.out.printf("%-9s store %6.1f ns, Chronicle Map %6.1f ns (medians); Chronicle / store: %s%n",
                OPERATIONS[op], PairedStatistics.stats(nanos[0][op])[0], PairedStatistics.stats(nanos[1][op])[0],
                PairedStatistics.ratio(PairedRounds.ratios(nanos[1][op], nanos[0][op])));
        }
    }

    /**
     * Both maps went through the same operations on the same keys, so they must hold the same values.
     *
     * @throws IllegalStateException if they do not, or if Chronicle Map holds more entries than keys.
     */
    private void verify(final int keys)
    {
        if (chronicle.size() != keys)
        {
            throw new IllegalStateException("Chronicle Map holds " + chronicle.size() + " entries for " + keys + " keys");
        }
        for (int id = 0; id < keys; id++)
        {
            final long inStore = store.getLong(keyGroup(id), state, key, 0, UserKeys.encode(id, keyBytes), -1);
            UserKeys.build(id, chronicleKey);
            final LongValue inChronicle = chronicle.getUsing(chronicleKey, chronicleValue);
            if (null == inChronicle || inChronicle.getValue() != inStore)
            {
                throw new IllegalStateException("key " + chronicleKey + ": store " + inStore + ", Chronicle Map " +
                    (null == inChronicle ? "none" : inChronicle.getValue()));
            }
        }
        System.out.printf("verified: both maps hold the same %,d entries%n", keys);
    }

    private long onStore(final int op, final int start, final int operations)
    {
        return switch (op)
        {
            case 0 -> storeGets(start, operations);
            case 1 -> storePuts(start, operations);
            default -> storeIncrements(start, operations);
        };
    }

    private long onChronicle(final int op, final int start, final int operations)
    {
        return switch (op)
        {
            case 0 -> chronicleGets(start, operations);
            case 1 -> chroniclePuts(start, operations);
            default -> chronicleIncrements(start, operations);
        };
    }

    private long storeGets(final int start, final int operations)
    {
        long sum = 0;
        for (int i = 0; i < operations; i++)
        {
            final int id = sequence[(start + i) & SEQUENCE_MASK];
            sum += store.getLong(keyGroup(id), state, key, 0, UserKeys.encode(id, keyBytes), -1);
        }
        return sum;
    }

    private long storePuts(final int start, final int operations)
    {
        for (int i = 0; i < operations; i++)
        {
            final int id = sequence[(start + i) & SEQUENCE_MASK];
            store.putLong(keyGroup(id), state, key, 0, UserKeys.encode(id, keyBytes), id + start + i);
        }
        return 0;
    }

    private long storeIncrements(final int start, final int operations)
    {
        long sum = 0;
        for (int i = 0; i < operations; i++)
        {
            final int id = sequence[(start + i) & SEQUENCE_MASK];
            sum += store.addLong(keyGroup(id), state, key, 0, UserKeys.encode(id, keyBytes), 1);
        }
        return sum;
    }

    private long chronicleGets(final int start, final int operations)
    {
        long sum = 0;
        for (int i = 0; i < operations; i++)
        {
            UserKeys.build(sequence[(start + i) & SEQUENCE_MASK], chronicleKey);
            sum += chronicle.getUsing(chronicleKey, chronicleValue).getValue();
        }
        return sum;
    }

    private long chroniclePuts(final int start, final int operations)
    {
        for (int i = 0; i < operations; i++)
        {
            final int id = sequence[(start + i) & SEQUENCE_MASK];
            UserKeys.build(id, chronicleKey);
            chronicle.acquireUsing(chronicleKey, chronicleReference).setValue(id + start + i);
        }
        return 0;
    }

    private long chronicleIncrements(final int start, final int operations)
    {
        long sum = 0;
        for (int i = 0; i < operations; i++)
        {
            UserKeys.build(sequence[(start + i) & SEQUENCE_MASK], chronicleKey);
            sum += chronicle.acquireUsing(chronicleKey, chronicleReference).addValue(1);
        }
        return sum;
    }

    private static int keyGroup(final int id)
    {
        return id & (KEY_GROUPS - 1);
    }
}
