package dev.riffle.benchmarks;

import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.connector.Sink;
import dev.riffle.api.connector.SinkWriter;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * The keyed count pipeline, end to end: generator → keyBy → {@code ValueState<Long>} count →
 * discarding sink, as a whole job per invocation (thread start-up included, amortised over
 * {@value #RECORDS} records). Keys come from a pre-built table so the generator allocates nothing;
 * {@code work=count} is the Flink-style {@code ValueState<Long>} count that emits the count (boxed),
 * {@code work=counter} counts in a {@code LongValueState} and forwards the record ({@link CounterPerKey}) (no boxing anywhere),
 * {@code work=forward} replaces the count by a stateless pass-through, which isolates what the
 * runtime itself allocates per record.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KeyedCountBenchmark
{
    static final int RECORDS = 4_000_000;
    static final int DISTINCT_KEYS = 10_000;

    @Param({"long", "string"})
    public String keyType;

    @Param({"1", "2"})
    public int parallelism;

    @Param({"count", "counter", "forward"})
    public String work;

    private Object[] keys;

    /**
     * Builds the key table.
     */
    @Setup
    public void setUp()
    {
        keys = new Object[DISTINCT_KEYS];
        for (int i = 0; i < DISTINCT_KEYS; i++)
        {
            keys[i] = "long".equals(keyType) ? (Object)(long)(i * 2_654_435_761L) : "key-" + i;
        }
    }

    /**
     * @throws Exception if the job fails.
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void pipeline() throws Exception
    {
        final Object[] keys = this.keys;
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(parallelism));
        final LongFunction<Object> generator = i -> keys[(int)(i % DISTINCT_KEYS)];
        final var keyed = env.generate(RECORDS, generator).keyBy(k -> k);
        if ("count".equals(work))
        {
            keyed.process(new CountPerKey<>()).sinkTo(new Discard<>());
        }
        else if ("counter".equals(work))
        {
            keyed.process(new CounterPerKey<>()).sinkTo(new Discard<>());
        }
        else
        {
            keyed.map(k -> k).sinkTo(new Discard<>());
        }
        env.execute("keyed-count");
    }

    static final class Discard<T> implements Sink<T>
    {
        @Override
        public SinkWriter<T> createWriter(final dev.riffle.api.connector.SinkContext context)
        {
            return record ->
            {
            };
        }
    }
}
