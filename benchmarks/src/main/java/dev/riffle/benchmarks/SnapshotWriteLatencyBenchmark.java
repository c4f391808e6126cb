package dev.riffle.benchmarks;

import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.SnapshotHandle;
import dev.riffle.store.StoreOptions;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The distribution of a put's latency (long → long overwrite, keys at random) while the store's
 * snapshots are being written, against the same store idle: what copy-on-write costs the writer.
 * <p>
 * With {@code mode=snapshotting} the benchmark thread — the store's writer, as a task thread is — starts a
 * new snapshot ({@link PagedKeyedStore#snapshot(long, Path)}) whenever the previous one has completed,
 * checked every 65,536 puts, and subsumes the one before, so that a snapshot is being written by the
 * store's snapshot thread nearly all the time. Each snapshot's first put to a page copies the page
 * (64 KiB) unless the snapshot thread got there first. The few samples that start a snapshot are in the
 * distribution too (1 in 65,536). Live pages are where the engine keeps them by default
 * ({@link BenchmarkFiles}), snapshots in the temporary directory.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar SnapshotWriteLatencyBenchmark}
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SnapshotWriteLatencyBenchmark
{
    private static final int KEY_GROUPS = 128;
    private static final int MASK = (1 << 20) - 1;
    private static final int CHECK_MASK = (1 << 16) - 1;

    @Param({"1000000"})
    public int keys;

    @Param({"idle", "snapshotting"})
    public String mode;

    private Path directory;
    private Path work;
    private PagedKeyedStore store;
    private int state;
    private long[] sequence;
    private int cursor;
    private boolean snapshotting;
    private SnapshotHandle pending;
    private long previousId;
    private long nextId;
    private int snapshotsCompleted;

    /**
     * @throws IOException if the store cannot be created.
     */
    @Setup
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("riffle-cow-bench-");
        work = BenchmarkFiles.stateDirectory("riffle-cow-bench-work-");
        store = PagedKeyedStore.create(work.resolve("live"), 0, KEY_GROUPS - 1, StoreOptions.DEFAULT);
        state = store.registerState("v");
        for (long k = 0; k < keys; k++)
        {
            store.putLong((int)(k & (KEY_GROUPS - 1)), state, k, k);
        }
        final SplittableRandom random = new SplittableRandom(3);
        sequence = new long[MASK + 1];
        for (int i = 0; i < sequence.length; i++)
        {
            sequence[i] = random.nextLong(keys);
        }
        snapshotting = "snapshotting".equals(mode);
    }

    /**
     * Overwrites a random key's value.
     */
    @Benchmark
    public void put()
    {
        final int i = cursor++;
        final long k = sequence[i & MASK];
        store.putLong((int)(k & (KEY_GROUPS - 1)), state, k, i);
        if (snapshotting && (i & CHECK_MASK) == 0)
        {
            nextSnapshot();
        }
    }

    private void nextSnapshot()
    {
        if (null != pending)
        {
            if (!pending.result().isDone())
            {
                return;
            }
            pending.result().join(); // a failed snapshot fails the benchmark
            snapshotsCompleted++;
            if (previousId > 0)
            {
                store.subsume(previousId);
            }
            previousId = pending.snapshotId();
        }
        pending = store.snapshot(++nextId, directory.resolve("snapshots"));
    }

    /**
     * Closes the store and deletes its files.
     *
     * @throws IOException on failure.
     */
    @TearDown
    public void tearDown() throws IOException
    {
        if (null != pending)
        {
            pending.result().join();
        }
        if (snapshotting)
        {
            System.out.println("snapshots completed: " + snapshotsCompleted);
        }
        store.close();
        BenchmarkFiles.deleteStateDirectory(work);
        BenchmarkFiles.deleteRecursively(directory);
    }
}
