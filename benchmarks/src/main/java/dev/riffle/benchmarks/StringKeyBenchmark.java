package dev.riffle.benchmarks;

import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.StoreOptions;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;
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
import java.nio.file.Path;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * get / put / increment of String → long entries (keys {@code "user-<n>"}, 6 to 13 bytes) at random among
 * {@code keys} present keys: the off-heap store (byte-key API, the key's ASCII bytes written into a
 * reused buffer per operation, as the engine's key serializer does) against {@link HashMap} (the key
 * Strings pre-built, their hash codes cached) and Chronicle Map's zero-garbage API (a reused
 * {@link StringBuilder} key, {@link LongValue} values). Average time per operation; {@code -prof gc} for
 * allocation.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar StringKeyBenchmark -prof gc}
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
public class StringKeyBenchmark
{
    private static final int KEY_GROUPS = 128;
    private static final int MASK = (1 << 20) - 1;

    @Param({"1000000", "10000000"})
    public int keys;

    private PagedKeyedStore store;
    private Path directory;
    private int state;
    private final byte[] keyBytes = new byte[UserKeys.MAX_LENGTH];
    private final UnsafeBuffer keyBuffer = new UnsafeBuffer(keyBytes);
    private final UnsafeBuffer fillValue = new UnsafeBuffer(new byte[Long.BYTES]);
    private HashMap<String, Long> hashMap;
    private String[] strings;
    private ChronicleMap<CharSequence, LongValue> chronicle;
    private final StringBuilder chronicleKey = new StringBuilder();
    private LongValue chronicleValue;
    private LongValue chronicleReference;
    private int[] sequence;
    private int cursor;

    /**
     * Fills the structure the benchmark method uses (filling all three at 10 M keys would take minutes
     * per fork).
     *
     * @param params which benchmark runs.
     * @throws IOException if the store cannot be created.
     */
    @Setup
    public void setUp(final BenchmarkParams params) throws IOException
    {
        final String method = params.getBenchmark();
        final boolean fillStore = method.endsWith(".storeGet") || method.endsWith(".storePut") ||
            method.endsWith(".storeIncrement");
        final boolean fillHashMap = method.contains(".hashMap");
        final boolean fillChronicle = method.contains(".chronicle");
        directory = BenchmarkFiles.stateDirectory("riffle-string-bench-");
        store = PagedKeyedStore.create(directory.resolve("store"), 0, KEY_GROUPS - 1, StoreOptions.DEFAULT);
        state = store.registerState("count");
        hashMap = new HashMap<>(fillHashMap ? keys * 2 : 16);
        strings = new String[fillHashMap ? keys : 0];
        chronicle = ChronicleMap.of(CharSequence.class, LongValue.class).name("string-bench")
            .entries(fillChronicle ? keys : 1000)
            .averageKey("user-12345678")
            .createPersistedTo(directory.resolve("chronicle.map").toFile());
        chronicleValue = Values.newHeapInstance(LongValue.class);
        chronicleReference = Values.newNativeReference(LongValue.class);
        for (int id = 0; id < keys; id++)
        {
            if (fillHashMap)
            {
                strings[id] = "user-" + id;
                hashMap.put(strings[id], (long)id);
            }
            if (fillStore)
            {
                // by the generic put, as Chronicle is filled by put and measured by getUsing/acquireUsing:
                // the measured methods are then not compiled while they insert (docs/benchmarks.md)
                fillValue.putLong(0, id);
                store.put(id & (KEY_GROUPS - 1), state, keyBuffer, 0, encode(id), fillValue, 0, Long.BYTES);
            }
            if (fillChronicle)
            {
                chronicleKey(id);
                chronicleValue.setValue(id);
                chronicle.put(chronicleKey, chronicleValue);
            }
        }
        final SplittableRandom random = new SplittableRandom(7);
        sequence = new int[MASK + 1];
        for (int i = 0; i < sequence.length; i++)
        {
            sequence[i] = random.nextInt(keys);
        }
    }

    /**
     * Unmaps and closes, and deletes the files.
     *
     * @throws IOException if the files cannot be deleted.
     */
    @TearDown
    public void tearDown() throws IOException
    {
        store.close();
        chronicle.close();
        BenchmarkFiles.deleteStateDirectory(directory);
    }

    private int encode(final int id)
    {
        return UserKeys.encode(id, keyBytes);
    }

    private int nextId()
    {
        return sequence[cursor++ & MASK];
    }

    private void chronicleKey(final int id)
    {
        UserKeys.build(id, chronicleKey);
    }

    /**
     * @return the value.
     */
    @Benchmark
    public long storeGet()
    {
        final int id = nextId();
        return store.getLong(id & (KEY_GROUPS - 1), state, keyBuffer, 0, encode(id), -1);
    }

    /**
     * Overwrites an existing value.
     */
    @Benchmark
    public void storePut()
    {
        final int id = nextId();
        store.putLong(id & (KEY_GROUPS - 1), state, keyBuffer, 0, encode(id), id + cursor);
    }

    /**
     * @return the new value, incremented in place.
     */
    @Benchmark
    public long storeIncrement()
    {
        final int id = nextId();
        return store.addLong(id & (KEY_GROUPS - 1), state, keyBuffer, 0, encode(id), 1);
    }

    /**
     * @return the value, boxed by the map.
     */
    @Benchmark
    public Long hashMapGet()
    {
        return hashMap.get(strings[nextId()]);
    }

    /**
     * Overwrites an existing value (boxing it).
     */
    @Benchmark
    public void hashMapPut()
    {
        final int id = nextId();
        hashMap.put(strings[id], (long)id + cursor);
    }

    /**
     * @return the new value.
     */
    @Benchmark
    public Long hashMapIncrement()
    {
        return hashMap.merge(strings[nextId()], 1L, Long::sum);
    }

    /**
     * @return the value, copied into a reused object.
     */
    @Benchmark
    public long chronicleGet()
    {
        chronicleKey(nextId());
        return chronicle.getUsing(chronicleKey, chronicleValue).getValue();
    }

    /**
     * Overwrites an existing value through a native reference: {@code put(key, value)} with a
     * {@code LongValue} inserts a second entry for a present key in Chronicle Map 3.27ea0
     * (docs/benchmarks.md).
     */
    @Benchmark
    public void chroniclePut()
    {
        final int id = nextId();
        chronicleKey(id);
        chronicle.acquireUsing(chronicleKey, chronicleReference).setValue(id + cursor);
    }

    /**
     * @return the new value, incremented off heap through a native reference.
     */
    @Benchmark
    public long chronicleIncrement()
    {
        chronicleKey(nextId());
        return chronicle.acquireUsing(chronicleKey, chronicleReference).addValue(1);
    }
}
