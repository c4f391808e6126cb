package dev.riffle.benchmarks;

import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StateBackendType;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.checkpoint.StartPoint;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the keyed count pipeline (generator → keyBy → {@code ValueState<Long>} count →
 * discard) with checkpoints every 100 ms, every second, or none, on the heap and on the off-heap state
 * backend, in one run. Each invocation is a whole job of {@value #RECORDS} records over
 * {@value #DISTINCT_KEYS} long keys at parallelism 1, checkpointing to a temporary directory on the
 * local disk (the off-heap backend's mapped pages go to a temporary directory too).
 * <p>
 * Compare the rows of one backend with each other: the overhead of checkpointing is the drop from
 * {@code checkpointIntervalMs=0}. A job lasts several seconds (so that its fixed costs — the first,
 * full checkpoint and the final one at the end of input — weigh little against the periodic ones):
 * at 100 ms it takes dozens of checkpoints, each one a full serialised copy on the task thread with the
 * heap backend and an O(1) copy-on-write epoch plus an asynchronous delta with the off-heap backend.
 * On two cores the asynchronous part (snapshot thread, fsyncs) competes with the job's two busy
 * threads for CPU, which is part of what is measured.
 * <p>
 * Run (6 parameter combinations × (2 warm-up + 5 measured) iterations of one job each, plus one fork
 * per combination; about 5 minutes in all):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CheckpointOverheadBenchmark
 * </pre>
 * One backend only: add {@code -p backend=OFF_HEAP}. On a noisy machine, where the same job's throughput
 * drifts between forks by more than the cost, {@link CheckpointCostHarness} measures it in pairs.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CheckpointOverheadBenchmark
{
    static final int RECORDS = 16_000_000;
    static final int DISTINCT_KEYS = 100_000;

    /**
     * Checkpoint interval in milliseconds; 0 for no checkpointing.
     */
    @Param({"0", "1000", "100"})
    public long checkpointIntervalMs;

    /**
     * Where keyed state lives: a {@link StateBackendType} name. Chronicle is left out: it needs its own
     * JVM flags (see StoreBenchmark) and builds its map for over a second per job.
     */
    @Param({"HEAP", "OFF_HEAP"})
    public String backend;

    /**
     * Slots of each channel between tasks ({@link RiffleConfig#channelCapacity}): how long the keyed task
     * can go on while the source waits for a CPU.
     */
    @Param({"1024"})
    public int channelCapacity;

    /**
     * Longest park of the task threads' backoff idle strategy, in microseconds (the engine's default:
     * 1,000): how long a task may sleep on after its input resumes.
     */
    @Param({"1000"})
    public int maxParkMicros;

    private Object[] keys;
    private Path directory;

    /**
     * @throws IOException if the temporary directory cannot be created.
     */
    @Setup
    public void setUp() throws IOException
    {
        keys = keys();
        directory = Files.createTempDirectory("riffle-bench-checkpoints-");
    }

    /**
     * @throws IOException if the directory cannot be deleted.
     */
    @TearDown
    public void tearDown() throws IOException
    {
        BenchmarkFiles.deleteRecursively(directory);
    }

    /**
     * @throws Exception if the job fails.
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void keyedCount() throws Exception
    {
        final RiffleConfig config = config(StateBackendType.valueOf(backend), channelCapacity, maxParkMicros,
            checkpointIntervalMs, directory);
        define(StreamEnvironment.create(config), keys, RECORDS).execute("checkpoint-overhead");
    }

    /**
     * @return {@link #DISTINCT_KEYS} boxed long keys, spread over the hash space.
     */
    static Object[] keys()
    {
        final Object[] keys = new Object[DISTINCT_KEYS];
        for (int i = 0; i < DISTINCT_KEYS; i++)
        {
            keys[i] = (long)i * 2_654_435_761L;
        }
        return keys;
    }

    /**
     * @param intervalMs checkpoint interval, 0 for none; every job starts {@link StartPoint#fresh()}, so
     *                   that it does not resume the previous job's counts from {@code directory}.
     * @return the configuration of one keyed count job.
     */
    static RiffleConfig config(final StateBackendType backend, final int channelCapacity, final int maxParkMicros,
        final long intervalMs, final Path directory)
    {
        final RiffleConfig config = new RiffleConfig().stateBackend(backend)
            .channelCapacity(channelCapacity)
            .idleStrategy(() -> new BackoffIdleStrategy(10, 20, 1_000, maxParkMicros * 1_000L));
        if (intervalMs > 0)
        {
            config.checkpointing()
                .interval(Duration.ofMillis(intervalMs))
                .directory(directory)
                .startPoint(StartPoint.fresh());
        }
        return config;
    }

    /**
     * Defines the keyed count: {@code records} records cycling over {@code keys} → keyBy → count → discard.
     *
     * @return {@code env}.
     */
    static StreamEnvironment define(final StreamEnvironment env, final Object[] keys, final long records)
    {
        final java.util.function.LongFunction<Object> generator = i -> keys[(int)(i % keys.length)];
        env.generate(records, generator)
            .keyBy(k -> k)
            .process(new CountPerKey<>())
            .sinkTo(new KeyedCountBenchmark.Discard<>());
        return env;
    }
}
