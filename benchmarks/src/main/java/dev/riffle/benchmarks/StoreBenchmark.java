package dev.riffle.benchmarks;

import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.StoreOptions;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * get / put / increment of long → long and String → long entries at random among {@code keys}
 * present keys: the off-heap store against Agrona's {@link Long2LongHashMap} and
 * {@link java.util.HashMap}, in one run. Average time per operation; {@code -prof gc} for allocation.
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

    private PagedKeyedStore store;
    private int state;
    private Long2LongHashMap agrona;
    private net.openhft.chronicle.map.ChronicleMap<Long, Long> chronicle;
    private HashMap<Long, Long> hashMap;
    private HashMap<String, Long> stringHashMap;
    private long[] sequence;
    private UnsafeBuffer[] stringKeys;
    private String[] strings;
    private int cursor;

    /**
     * Fills every structure with the same keys.
     *
     * @throws IOException if the store cannot be created.
     */
    @Setup
    public void setUp() throws IOException
    {
        store = PagedKeyedStore.create(Files.createTempDirectory("riffle-store-bench-"), 0, KEY_GROUPS - 1,
            StoreOptions.DEFAULT);
        state = store.registerState("count");
        agrona = new Long2LongHashMap(-1);
        chronicle = net.openhft.chronicle.map.ChronicleMap.of(Long.class, Long.class).name("bench").entries(keys)
            .createPersistedTo(Files.createTempFile("riffle-chronicle-bench-", ".map").toFile());
        hashMap = new HashMap<>();
        stringHashMap = new HashMap<>();
        for (long k = 0; k < keys; k++)
        {
            store.putLong(keyGroup(k), state, k, k);
            agrona.put(k, k);
            chronicle.put(k, k);
            if (keys <= 1_000_000)
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
            store.addLong(keyGroup(i), state + 1, stringKeys[i], 0, stringKeys[i].capacity(), 1);
            stringHashMap.merge(strings[i], 1L, Long::sum);
        }
    }

    /**
     * Unmaps the store.
     */
    @TearDown
    public void tearDown()
    {
        store.close();
        chronicle.close();
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
     * Overwrites an existing value.
     */
    @Benchmark
    public void storePut()
    {
        final long k = nextKey();
        store.putLong(keyGroup(k), state, k, k + 1);
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
    public long agronaGet()
    {
        return agrona.get(nextKey());
    }

    /**
     * Overwrites an existing value.
     */
    @Benchmark
    public void agronaPut()
    {
        final long k = nextKey();
        agrona.put(k, k + 1);
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
     * Overwrites an existing value.
     */
    @Benchmark
    public void chroniclePut()
    {
        final long k = nextKey();
        chronicle.put(k, k + 1);
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
        return store.addLong(keyGroup(i), state + 1, key, 0, key.capacity(), 1);
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
