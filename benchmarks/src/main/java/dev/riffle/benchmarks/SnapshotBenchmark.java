package dev.riffle.benchmarks;

import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.StoreOptions;
import dev.riffle.store.StoreSnapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The synchronous phase of a store snapshot ({@link PagedKeyedStore#snapshot(long)}) at 1 and 50
 * million entries: what a checkpoint costs the task thread. Each snapshot is written after the
 * measured call (not measured), after 1 % of the keys were updated, as between two checkpoints.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SnapshotBenchmark
{
    private static final int KEY_GROUPS = 128;

    @Param({"1000000", "50000000"})
    public long entries;

    private PagedKeyedStore store;
    private int state;
    private Path directory;
    private StoreSnapshot snapshot;
    private long id;
    private long updateCursor;

    /**
     * @throws IOException if the store cannot be created.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("riffle-snapshot-bench-");
        store = PagedKeyedStore.create(directory.resolve("work"), 0, KEY_GROUPS - 1, StoreOptions.DEFAULT);
        state = store.registerState("v");
        for (long k = 0; k < entries; k++)
        {
            store.putLong((int)(k & (KEY_GROUPS - 1)), state, k, k);
        }
        Files.createDirectories(directory.resolve("data"));
        store.snapshot(++id).write(directory.resolve("m"), directory.resolve("data"), "s");
    }

    /**
     * Updates 1 % of the keys, as between two checkpoints.
     */
    @Setup(Level.Invocation)
    public void update()
    {
        final long updates = entries / 100;
        for (long i = 0; i < updates; i++)
        {
            final long k = (updateCursor += 7_919) % entries;
            store.addLong((int)(k & (KEY_GROUPS - 1)), state, k, 1);
        }
    }

    /**
     * @return the snapshot, written in the tear-down.
     */
    @Benchmark
    public StoreSnapshot snapshot()
    {
        snapshot = store.snapshot(++id);
        return snapshot;
    }

    /**
     * Writes the snapshot taken, outside the measurement.
     *
     * @throws IOException on failure.
     */
    @TearDown(Level.Invocation)
    public void write() throws IOException
    {
        snapshot.write(directory.resolve("m"), directory.resolve("data"), "s" + id);
    }

    /**
     * Deletes everything.
     *
     * @throws IOException on failure.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        store.close();
        try (var paths = Files.walk(directory))
        {
            for (final Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
