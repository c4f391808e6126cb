package dev.riffle.benchmarks;

import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StateBackendType;
import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyGroups;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.StateBackend;
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

import java.util.concurrent.TimeUnit;

/**
 * Map and list state operations through a keyed state backend, with {@code entriesPerKey} entries (elements)
 * in each of 1,000 keys' collections: a map get and an update of a present user key, a list append (the
 * key's list cleared each time it reaches {@code entriesPerKey}, so the cost of clearing is spread over
 * the appends), and a read of a whole list of {@code entriesPerKey} elements. A backend that keeps a key's
 * collection as one value pays in proportion to {@code entriesPerKey} for every operation; one that keeps
 * an entry per element pays so only to read a whole list. Average time per operation.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CollectionStateBenchmark
{
    private static final int KEYS = 1000;
    private static final int MAX_PARALLELISM = 128;

    @Param({"HEAP", "OFF_HEAP"})
    public StateBackendType backend;

    @Param({"16", "1024"})
    public int entriesPerKey;

    private StateBackend factory;
    private KeyedStateBackend state;
    private MapState<Integer, Long> map;
    private ListState<Long> list;
    private ListState<Long> fullList;
    private final Long[] keys = new Long[KEYS];
    private final int[] keyGroups = new int[KEYS];
    private final Integer[] userKeys = new Integer[1 << 16];
    private final Long[] values = new Long[1 << 16];
    private int[] listLengths;
    private int cursor;

    @Setup
    public void setUp()
    {
        factory = StateBackend.fromConfig(new RiffleConfig().stateBackend(backend));
        state = factory.createKeyedStateBackend(1, "bench", 0, new KeyGroupRange(0, MAX_PARALLELISM - 1),
            MAX_PARALLELISM);
        map = state.mapState(new MapStateDescriptor<>("map", Integer.class, Long.class));
        list = state.listState(new ListStateDescriptor<>("list", Long.class));
        fullList = state.listState(new ListStateDescriptor<>("full-list", Long.class));
        for (int i = 0; i < userKeys.length; i++)
        {
            userKeys[i] = (i * 0x9E3779B1 >>> 7) % entriesPerKey;
            values[i] = (long)i << 20;
        }
        for (int k = 0; k < KEYS; k++)
        {
            keys[k] = (long)k;
            keyGroups[k] = KeyGroups.assignToKeyGroup(keys[k], MAX_PARALLELISM);
            state.setCurrentKey(keys[k], keyGroups[k]);
            for (int e = 0; e < entriesPerKey; e++)
            {
                map.put(e, (long)e);
                fullList.add(values[e & (values.length - 1)]);
            }
        }
        listLengths = new int[KEYS];
    }

    @TearDown
    public void tearDown()
    {
        factory.close();
    }

    @Benchmark
    public Long mapGet()
    {
        final int i = next();
        return map.get(userKeys[i & (userKeys.length - 1)]);
    }

    @Benchmark
    public void mapUpdate()
    {
        final int i = next();
        map.put(userKeys[i & (userKeys.length - 1)], values[i & (values.length - 1)]);
    }

    @Benchmark
    public void listAppend()
    {
        final int i = next();
        final int k = i % KEYS;
        if (++listLengths[k] > entriesPerKey)
        {
            list.clear();
            listLengths[k] = 0;
        }
        else
        {
            list.add(values[i & (values.length - 1)]);
        }
    }

    /**
     * Reads a key's whole list of {@code entriesPerKey} elements, as a function does that buffers records
     * and emits them together.
     */
    @Benchmark
    public long listRead()
    {
        next();
        long sum = 0;
        for (final Long value : fullList.get())
        {
            sum += value;
        }
        return sum;
    }

    /**
     * Moves to the next key (round robin) and makes it current.
     */
    private int next()
    {
        final int i = cursor++ & Integer.MAX_VALUE;
        final int k = i % KEYS;
        state.setCurrentKey(keys[k], keyGroups[k]);
        return i;
    }
}
