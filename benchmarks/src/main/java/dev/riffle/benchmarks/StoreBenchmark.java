package dev.riffle.benchmarks;

import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.StoreOptions;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.values.Values;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * get / put / increment of long → long and String → long entries at random among {@code keys}
 * present keys: the off-heap store — a byte state ({@code store*}: 32-byte cells shared by every state
 * of a key group) and a long state ({@code longState*}: {@link PagedKeyedStore#registerLongState}, 16-byte
 * cells of its own) — against Agrona's {@link Long2LongHashMap}, {@link java.util.HashMap} and
 * Chronicle Map — both through its boxed {@code Map} API and its zero-garbage one (reused
 * {@link LongValue} keys and values, {@code acquireUsing} for in-place increments) — in one run. Average time per operation; {@code -prof gc} for allocation.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx6g",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "-Dchronicle.analytics.disable=true"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreBenchmark
{
    private static final int KEY_GROUPS = 128;
    private static final int MASK = (1 << 20) - 1;

    @Param({"1000000", "10000000"})
    public int keys;

    private Path directory;
    private PagedKeyedStore store;
    private int state;
    private int longState;
    private int words;
    private Long2LongHashMap agrona;
    private net.openhft.chronicle.map.ChronicleMap<Long, Long> chronicle;
    private net.openhft.chronicle.map.ChronicleMap<LongValue, LongValue> chronicleValues;
    private LongValue chronicleKey;
    private LongValue chronicleValue;
    private LongValue chronicleReference;
    private HashMap<Long, Long> hashMap;
    private HashMap<String, Long> stringHashMap;
    private long[] sequence;
    private UnsafeBuffer[] stringKeys;
    private String[] strings;
    private int cursor;

    /**
     * Fills the structure the benchmark method uses with the keys (all of them at 10 M keys would take
     * minutes per fork); every structure gets the same keys.
     *
     * @param params which benchmark runs.
     * @throws IOException if the store cannot be created.
     */
    @Setup
    public void setUp(final BenchmarkParams params) throws IOException
    {
        final String method = params.getBenchmark();
        final boolean fillStore = method.contains(".store");
        final boolean fillLongState = method.contains(".longState");
        // the store's puts are measured on a store filled by increments (the other benchmarks' on one filled
        // by puts): C2 compiles a method while the fill runs it, and one compiled for inserting absent keys
        // runs updates ~40 % slower afterwards (docs/benchmarks.md)
        final boolean fillByIncrements = method.endsWith("Put");
        final boolean fillAgrona = method.contains(".agrona");
        final boolean fillValues = method.contains(".chronicleValues");
        final boolean fillChronicle = method.contains(".chronicle") && !fillValues;
        final boolean fillHashMap = method.contains(".hashMap") && keys <= 1_000_000;
        directory = BenchmarkFiles.stateDirectory("riffle-store-bench-");
        store = PagedKeyedStore.create(directory.resolve("store"), 0, KEY_GROUPS - 1, StoreOptions.DEFAULT);
        state = store.registerState("count");
        words = store.registerState("words");
        longState = store.registerLongState("long-count");
        agrona = new Long2LongHashMap(-1);
        chronicle = net.openhft.chronicle.map.ChronicleMap.of(Long.class, Long.class).name("bench")
            .entries(fillChronicle ? keys : 1000)
            .createPersistedTo(directory.resolve("chronicle.map").toFile());
        chronicleValues = net.openhft.chronicle.map.ChronicleMap.of(LongValue.class, LongValue.class)
            .name("bench-values").entries(fillValues ? keys : 1000)
            .createPersistedTo(directory.resolve("chronicle-values.map").toFile());
        chronicleKey = Values.newHeapInstance(LongValue.class);
        chronicleValue = Values.newHeapInstance(LongValue.class);
        chronicleReference = Values.newNativeReference(LongValue.class);
        hashMap = new HashMap<>();
        stringHashMap = new HashMap<>();
        for (long k = 0; k < keys; k++)
        {
            if (fillStore || fillLongState)
            {
                final int filled = fillStore ? state : longState;
                if (fillByIncrements)
                {
                    store.addLong(keyGroup(k), filled, k, k);
                }
                else
                {
                    store.putLong(keyGroup(k), filled, k, k);
                }
            }
            if (fillAgrona)
            {
                agrona.put(k, k);
            }
            if (fillChronicle)
            {
                chronicle.put(k, k);
            }
            if (fillValues)
            {
                chronicleKey.setValue(k);
                chronicleValue.setValue(k);
                chronicleValues.put(chronicleKey, chronicleValue);
            }
            if (fillHashMap)
            {
                hashMap.put(k, k);
            }
        }
        final SplittableRandom random = new SplittableRandom(7);
        sequence = new long[MASK + 1];
        stringKeys = new UnsafeBuffer[4096];
        strings = new String[4096];
        for (int i = 0; i < sequence.length; i++)
        {
            sequence[i] = random.nextLong(keys);
        }
        for (int i = 0; i < strings.length; i++)
        {
            strings[i] = "word-" + random.nextLong(keys);
            stringKeys[i] = new UnsafeBuffer(strings[i].getBytes(StandardCharsets.UTF_8));
            store.addLong(keyGroup(i), words, stringKeys[i], 0, stringKeys[i].capacity(), 1);
            stringHashMap.merge(strings[i], 1L, Long::sum);
        }
    }

    /**
     * Unmaps the store and the maps, and deletes their files.
     *
     * @throws IOException if the files cannot be deleted.
     */
    @TearDown
    public void tearDown() throws IOException
    {
        store.close();
        chronicle.close();
        chronicleValues.close();
        BenchmarkFiles.deleteStateDirectory(directory);
    }

    private static int keyGroup(final long key)
    {
        return (int)(key & (KEY_GROUPS - 1));
    }

    private long nextKey()
    {
        return sequence[cursor++ & MASK];
    }

    /**
     * @return the value.
     */
    @Benchmark
    public long storeGet()
    {
        final long k = nextKey();
        return store.getLong(keyGroup(k), state, k, -1);
    }

    /**
     * Overwrites an existing value with a new one (the cursor never repeats a value for a key).
     */
    @Benchmark
    public void storePut()
    {
        final long k = nextKey();
        store.putLong(keyGroup(k), state, k, k + cursor);
    }

    /**
     * @return the new value.
     */
    @Benchmark
    public long storeIncrement()
    {
        final long k = nextKey();
        return store.addLong(keyGroup(k), state, k, 1);
    }

    /**
     * @return the value.
     */
    @Benchmark
    public long longStateGet()
    {
        final long k = nextKey();
        return store.getLong(keyGroup(k), longState, k, -1);
    }

    /**
     * Overwrites an existing value with a new one (the cursor never repeats a value for a key).
     */
    @Benchmark
    public void longStatePut()
    {
        final long k = nextKey();
        store.putLong(keyGroup(k), longState, k, k + cursor);
    }

    /**
     * @return the new value.
     */
    @Benchmark
    public long longStateIncrement()
    {
        final long k = nextKey();
        return store.addLong(keyGroup(k), longState, k, 1);
    }

    /**
     * @return the value.
     */
    @Benchmark
    public long agronaGet()
    {
        return agrona.get(nextKey());
    }

    /**
     * Overwrites an existing value with a new one (the cursor never repeats a value for a key).
     */
    @Benchmark
    public void agronaPut()
    {
        final long k = nextKey();
        agrona.put(k, k + cursor);
    }

    /**
     * @return the new value.
     */
    @Benchmark
    public long agronaIncrement()
    {
        final long k = nextKey();
        final long v = agrona.get(k) + 1;
        agrona.put(k, v);
        return v;
    }

    /**
     * @return the value, boxed by the map.
     */
    @Benchmark
    public Long chronicleGet()
    {
        return chronicle.get(nextKey());
    }

    /**
     * Overwrites an existing value with a new one (the cursor never repeats a value for a key).
     */
    @Benchmark
    public void chroniclePut()
    {
        final long k = nextKey();
        chronicle.put(k, k + cursor);
    }

    /**
     * @return the new value.
     */
    @Benchmark
    public Long chronicleIncrement()
    {
        final long k = nextKey();
        final Long v = chronicle.get(k) + 1;
        chronicle.put(k, v);
        return v;
    }

    /**
     * Chronicle's zero-garbage way: a reused key object, the value copied into a reused heap object.
     *
     * @return the value.
     */
    @Benchmark
    public long chronicleValuesGet()
    {
        chronicleKey.setValue(nextKey());
        return chronicleValues.getUsing(chronicleKey, chronicleValue).getValue();
    }

    /**
     * Overwrites an existing value from reused key and value objects.
     */
    @Benchmark
    public void chronicleValuesPut()
    {
        final long k = nextKey();
        chronicleKey.setValue(k);
        chronicleValue.setValue(k + cursor);
        chronicleValues.put(chronicleKey, chronicleValue);
    }

    /**
     * Chronicle's in-place update: {@code acquireUsing} points a native reference at the entry's value,
     * which is then incremented off heap (single-threaded here, so without the entry's lock).
     *
     * @return the new value.
     */
    @Benchmark
    public long chronicleValuesIncrement()
    {
        chronicleKey.setValue(nextKey());
        return chronicleValues.acquireUsing(chronicleKey, chronicleReference).addValue(1);
    }

    /**
     * @return the value, boxed by the map.
     */
    @Benchmark
    public Long hashMapGet()
    {
        return hashMap.get(nextKey());
    }

    /**
     * @return the new value.
     */
    @Benchmark
    public Long hashMapIncrement()
    {
        return hashMap.merge(nextKey(), 1L, Long::sum);
    }

    /**
     * @return the new count of a String key, in place in the store.
     */
    @Benchmark
    public long storeStringIncrement()
    {
        final int i = cursor++ & 4095;
        final UnsafeBuffer key = stringKeys[i];
        return store.addLong(keyGroup(i), words, key, 0, key.capacity(), 1);
    }

    /**
     * @return the new count of a String key in a HashMap.
     */
    @Benchmark
    public Long hashMapStringIncrement()
    {
        return stringHashMap.merge(strings[cursor++ & 4095], 1L, Long::sum);
    }
}
