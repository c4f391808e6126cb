package dev.riffle.benchmarks;

import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StreamEnvironment;
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
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Throughput of the keyed count pipeline (generator → keyBy → {@code ValueState<Long>} count →
 * discard) with checkpoints every 100 ms, every second, or none, in one run. Each invocation is a
 * whole job of {@value #RECORDS} records over {@value #DISTINCT_KEYS} keys, checkpointing to a
 * temporary directory on the local disk.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CheckpointOverheadBenchmark
{
    static final int RECORDS = 4_000_000;
    static final int DISTINCT_KEYS = 100_000;

    /**
     * Checkpoint interval in milliseconds; 0 for no checkpointing.
     */
    @Param({"0", "1000", "100"})
    public long checkpointIntervalMs;

    private Object[] keys;
    private Path directory;

    /**
     * @throws IOException if the temporary directory cannot be created.
     */
    @Setup
    public void setUp() throws IOException
    {
        keys = new Object[DISTINCT_KEYS];
        for (int i = 0; i < DISTINCT_KEYS; i++)
        {
            keys[i] = (long)i * 2_654_435_761L;
        }
        directory = Files.createTempDirectory("riffle-bench-checkpoints-");
    }

    /**
     * @throws IOException if the directory cannot be deleted.
     */
    @TearDown
    public void tearDown() throws IOException
    {
        try (Stream<Path> paths = Files.walk(directory))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * @throws Exception if the job fails.
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void keyedCount() throws Exception
    {
        final Object[] keys = this.keys;
        final RiffleConfig config = new RiffleConfig();
        if (checkpointIntervalMs > 0)
        {
            config.checkpointing()
                .interval(Duration.ofMillis(checkpointIntervalMs))
                .directory(directory)
                .startPoint(dev.riffle.api.checkpoint.StartPoint.fresh());
        }
        final StreamEnvironment env = StreamEnvironment.create(config);
        final java.util.function.LongFunction<Object> generator = i -> keys[(int)(i % DISTINCT_KEYS)];
        env.generate(RECORDS, generator)
            .keyBy(k -> k)
            .process(new KeyedCountBenchmark.Count())
            .sinkTo(new KeyedCountBenchmark.Discard<>());
        env.execute("checkpoint-overhead");
    }
}
