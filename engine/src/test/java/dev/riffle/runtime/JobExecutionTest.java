package dev.riffle.runtime;

import dev.riffle.api.DataStream;
import dev.riffle.api.JobExecutionException;
import dev.riffle.api.JobHandle;
import dev.riffle.api.JobStatus;
import dev.riffle.api.KeyedValue;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.connectors.CollectSink;
import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.api.functions.ProcessFunction;
import dev.riffle.api.functions.RichMapFunction;
import dev.riffle.api.functions.RuntimeContext;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import dev.riffle.runtime.operators.OperatorFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobExecutionTest
{
    @Test
    void mapFlatMapFilterAndProcessRunInOrder() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create();
        final CollectSink<String> sink = new CollectSink<>();
        env.fromElements("a b", "c", "d e f")
            .flatMap((String line, Collector<String> out) ->
            {
                for (final String word : line.split(" "))
                {
                    out.collect(word);
                }
            })
            .filter(word -> !word.equals("c"))
            .map(String::toUpperCase)
            .process(new ProcessFunction<String, String>()
            {
                @Override
                public void processElement(final String value, final Context ctx, final Collector<String> out)
                {
                    out.collect(value + '@' + (ctx.timestamp() == Long.MIN_VALUE ? "none" : "ts"));
                }
            })
            .sinkTo(sink);

        final JobHandle handle = Jobs.run(env, "chain");

        assertEquals(List.of("A@none", "B@none", "D@none", "E@none", "F@none"), sink.results());
        assertEquals(JobStatus.FINISHED, handle.status());
        assertEquals(3, handle.metrics().recordsIn("FlatMap"));
        assertEquals(6, handle.metrics().recordsOut("FlatMap"));
        assertEquals(5, handle.metrics().recordsOut("Filter"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void keyedWordCountGivesTheReferenceResultAtAnyParallelism(final int parallelism) throws Exception
    {
        final List<String> words = new ArrayList<>();
        for (int i = 0; i < 20_000; i++)
        {
            words.add("w" + (i * 7919 % 313));
        }
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(parallelism));
        final CollectSink<KeyedValue<String, Long>> sink = new CollectSink<>();
        env.fromCollection(words)
            .keyBy(w -> w)
            .count()
            .sinkTo(sink);

        Jobs.run(env, "count-p" + parallelism);

        final Map<String, List<Long>> countsPerWord = new HashMap<>();
        for (final KeyedValue<String, Long> kv : sink.results())
        {
            countsPerWord.computeIfAbsent(kv.key(), k -> new ArrayList<>()).add(kv.value());
        }
        final Map<String, Long> reference = words.stream()
            .collect(Collectors.groupingBy(w -> w, Collectors.counting()));
        assertEquals(reference.keySet(), countsPerWord.keySet());
        for (final Map.Entry<String, Long> e : reference.entrySet())
        {
            final List<Long> expected = LongStream.rangeClosed(1, e.getValue()).boxed().collect(Collectors.toList());
            assertEquals(expected, countsPerWord.get(e.getKey()), "per-key order and counts of " + e.getKey());
        }
    }

    @Test
    void sameKeyAlwaysReachesTheSameInstance() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(3));
        final CollectSink<Boolean> sink = new CollectSink<>();
        RecordInstance.INSTANCE_OF_KEY.clear();
        env.generate(30_000, i -> i % 1000)
            .setParallelism(2)
            .keyBy(v -> v)
            .process(new RecordInstance())
            .sinkTo(sink);

        Jobs.run(env, "routing");

        assertEquals(30_000, sink.results().size());
        assertTrue(sink.results().stream().allMatch(b -> b), "a key was seen by two instances");
        final Map<Integer, Long> keysPerInstance = RecordInstance.INSTANCE_OF_KEY.values().stream()
            .collect(Collectors.groupingBy(i -> i, Collectors.counting()));
        assertEquals(3, keysPerInstance.size(), "every instance owns keys: " + keysPerInstance);
    }

    @Test
    void richFunctionsGetTheirOwnCopyAndStatePerKey() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2));
        final CollectSink<String> sink = new CollectSink<>();
        env.fromCollection(IntStream.range(0, 1000).mapToObj(i -> "k" + (i % 10)).collect(Collectors.toList()))
            .keyBy(k -> k)
            .map(new CountPerKey())
            .sinkTo(sink);

        Jobs.run(env, "rich");

        final Map<String, Integer> last = new HashMap<>();
        for (final String r : sink.results())
        {
            final String[] parts = r.split(",");
            last.merge(parts[0], Integer.parseInt(parts[1]), Math::max);
        }
        assertEquals(10, last.size());
        last.values().forEach(v -> assertEquals(100, v));
    }

    @Test
    void reduceAndAggregateAreRollingPerKey() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create();
        final CollectSink<Long> reduced = new CollectSink<>();
        final CollectSink<Double> averages = new CollectSink<>();
        final DataStream<Long> numbers = env.fromElements(1L, 2L, 3L, 4L, 5L, 6L);
        numbers.keyBy(n -> n % 2).reduce(Long::sum).sinkTo(reduced);
        numbers.keyBy(n -> n % 2).aggregate(new Average()).sinkTo(averages);

        Jobs.run(env, "rolling");

        assertEquals(List.of(1L, 2L, 4L, 6L, 9L, 12L), reduced.results().stream().sorted().collect(Collectors.toList()));
        assertEquals(List.of(1.0, 2.0, 2.0, 3.0, 3.0, 4.0),
            averages.results().stream().sorted().collect(Collectors.toList()));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(dev.riffle.api.StateBackendType.class)
    void reduceAndAggregateWithADeclaredStateTypeKeepTheirStateWithThatTypesSerializer(
        final dev.riffle.api.StateBackendType backend) throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().stateBackend(backend));
        final CollectSink<Long> reduced = new CollectSink<>();
        final CollectSink<Double> averages = new CollectSink<>();
        final DataStream<Long> numbers = env.fromElements(1L, 2L, 3L, 4L, 5L, 6L);
        numbers.keyBy(n -> n % 2).reduce(Long::sum, Long.class).sinkTo(reduced);
        // a record that is not Serializable: kept as an Object off the heap, it would fail
        numbers.keyBy(n -> n % 2).aggregate(new RecordAverage(), SumAndCount.class).sinkTo(averages);

        Jobs.run(env, "typed-rolling");

        assertEquals(List.of(1L, 2L, 4L, 6L, 9L, 12L), reduced.results().stream().sorted().collect(Collectors.toList()));
        assertEquals(List.of(1.0, 2.0, 2.0, 3.0, 3.0, 4.0),
            averages.results().stream().sorted().collect(Collectors.toList()));
    }

    @Test
    void unionMergesStreamsOfDifferentParallelism() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2));
        final CollectSink<Long> sink = new CollectSink<>();
        final DataStream<Long> a = env.generate(1000, i -> i);
        final DataStream<Long> b = env.fromCollection(LongStream.range(1000, 1500).boxed().collect(Collectors.toList()));
        a.union(b).map(v -> v).setParallelism(3).sinkTo(sink);

        Jobs.run(env, "union");

        assertEquals(LongStream.range(0, 1500).boxed().collect(Collectors.toList()),
            sink.results().stream().sorted().collect(Collectors.toList()));
    }

    @Test
    void sumAndCountOnKeyedStreams() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2));
        final CollectSink<KeyedValue<Long, Long>> sums = new CollectSink<>();
        env.generate(10_000, i -> i).keyBy(i -> i % 3).sum(i -> i).sinkTo(sums);

        Jobs.run(env, "sum");

        assertFinalSums(sums, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HEAP", "OFF_HEAP", "CHRONICLE"})
    void sumsOfDeclaredLongKeys(final String backend) throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2)
            .stateBackend(dev.riffle.api.StateBackendType.valueOf(backend)));
        final CollectSink<KeyedValue<Long, Long>> sums = new CollectSink<>();
        env.generate(10_000, i -> i).keyBy(i -> i % 97, Long.class).sum(i -> i).sinkTo(sums);

        Jobs.run(env, "declared-sum");

        assertFinalSums(sums, 97);
    }

    /**
     * The last sum emitted per key of {@code 0 … 9,999} keyed by {@code i % modulus} is that key's total.
     */
    private static void assertFinalSums(final CollectSink<KeyedValue<Long, Long>> sums, final long modulus)
    {
        final Map<Long, Long> finalSums = new HashMap<>();
        sums.results().forEach(kv -> finalSums.merge(kv.key(), kv.value(), Math::max));
        final Map<Long, Long> expected = LongStream.range(0, 10_000).boxed()
            .collect(Collectors.groupingBy(i -> i % modulus, Collectors.summingLong(i -> i)));
        assertEquals(expected, finalSums);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aKeyOfAnotherClassThanDeclaredFailsTheJobNamingBoth() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2));
        final dev.riffle.api.functions.KeySelector<Long, Long> lying =
            (dev.riffle.api.functions.KeySelector)(dev.riffle.api.functions.KeySelector<Long, Object>)
                i -> i == 500 ? "five hundred" : i;
        env.generate(1_000, i -> i).keyBy(lying, Long.class).count().name("Counter").sinkTo(new CollectSink<>());

        final JobExecutionException ex = Jobs.runExpectingFailure(env, "lying-keys");

        assertEquals(JobStatus.FAILED, ex.status());
        Throwable cause = ex;
        while (null != cause.getCause() && !(cause instanceof IllegalStateException))
        {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("'Counter'") && cause.getMessage().contains("java.lang.Long") &&
            cause.getMessage().contains("java.lang.String five hundred"), cause.getMessage());
    }

    @Test
    void aPrimitiveKeyTypeIsRefusedAtKeyBy()
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig());
        final IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> env.generate(10, i -> i).keyBy(i -> i, (Class)long.class));
        assertTrue(ex.getMessage().contains("declare its box"), ex.getMessage());
    }

    @Test
    void failingUserFunctionFailsTheJobNamingTheOperator() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2));
        env.generate(1_000_000, i -> i)
            .map(i ->
            {
                if (i == 5000)
                {
                    throw new IllegalArgumentException("boom at " + i);
                }
                return i;
            })
            .name("Exploder")
            .keyBy(i -> i % 7)
            .count()
            .sinkTo(new CollectSink<>());

        final JobExecutionException ex = Jobs.runExpectingFailure(env, "failing");

        assertEquals(JobStatus.FAILED, ex.status());
        final OperatorFailure failure = assertInstanceOf(OperatorFailure.class, ex.getCause());
        assertEquals("Exploder", failure.operatorName());
        assertTrue(ex.getMessage().contains("operator 'Exploder'"), ex.getMessage());
        assertInstanceOf(IllegalArgumentException.class, failure.getCause());
        assertEquals("boom at 5000", failure.getCause().getMessage());
    }

    @Test
    void failureInOpenFailsTheJob() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create();
        env.fromElements(1, 2, 3)
            .map(new RichMapFunction<Integer, Integer>()
            {
                @Override
                public void open(final RuntimeContext context)
                {
                    throw new IllegalStateException("cannot open");
                }

                @Override
                public Integer map(final Integer value)
                {
                    return value;
                }
            })
            .name("Unopenable")
            .sinkTo(new CollectSink<>());

        final JobExecutionException ex = Jobs.runExpectingFailure(env, "open-failure");

        assertTrue(ex.getMessage().contains("'Unopenable'") && ex.getMessage().contains("opening"), ex.getMessage());
        assertEquals("cannot open", ex.getCause().getCause().getMessage());
    }

    @Test
    void cancelStopsAnEndlessJobPromptly() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2));
        final CollectSink<KeyedValue<Long, Long>> sink = new CollectSink<>();
        env.generate(Long.MAX_VALUE, i -> i).keyBy(i -> i % 100).count().sinkTo(sink);
        final JobHandle handle = env.executeAsync("endless");
        while (handle.metrics().recordsIn("Count") < 10_000)
        {
            assertTrue(!handle.await(java.time.Duration.ofMillis(10)), "job ended by itself");
        }

        handle.cancel();

        final JobExecutionException ex = org.junit.jupiter.api.Assertions.assertThrows(
            JobExecutionException.class, () -> handle.await(Jobs.TIMEOUT));
        assertEquals(JobStatus.CANCELLED, ex.status());
        assertSame(JobStatus.CANCELLED, handle.status());
        Jobs.assertNoThreadsLeft("endless");
    }

    @Test
    void slowSinkBehindAFastSourceKeepsMemoryBounded() throws Exception
    {
        final int capacity = 64;
        final StreamEnvironment env = StreamEnvironment.create(
            new RiffleConfig().defaultParallelism(1).channelCapacity(capacity).batchSize(16));
        final long records = 20_000;
        final java.util.concurrent.atomic.AtomicLong maxInFlight = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong produced = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong consumed = new java.util.concurrent.atomic.AtomicLong();
        env.generate(records, i -> i)
            .map(i ->
            {
                produced.incrementAndGet();
                return i;
            })
            .keyBy(i -> i % 10)
            .map(i -> i)
            .sinkTo(context -> record ->
            {
                final long c = consumed.incrementAndGet();
                maxInFlight.accumulateAndGet(produced.get() - c, Math::max);
                if (c % 64 == 0)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                }
            });

        Jobs.run(env, "slow-sink");

        assertEquals(records, consumed.get());
        assertTrue(maxInFlight.get() <= capacity + 16 + 1,
            "records in flight must be bounded by the ring capacity, were " + maxInFlight.get());
    }

    @Test
    void jobWithOneMillionLinesFromATextFile(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception
    {
        final java.nio.file.Path file = dir.resolve("big.txt");
        try (var out = java.nio.file.Files.newBufferedWriter(file))
        {
            for (int i = 0; i < 1_000_000; i++)
            {
                out.write("line " + (i % 1000));
                out.write('\n');
            }
        }
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2));
        final CollectSink<KeyedValue<String, Long>> sink = new CollectSink<>();
        env.readTextFile(file).keyBy(line -> line).count()
            .filter(kv -> kv.value() == 1000)
            .sinkTo(sink);

        final JobHandle handle = Jobs.run(env, "million");

        assertEquals(1_000_000, handle.metrics().recordsIn("Count"));
        assertEquals(1000, sink.results().size());
    }

    @Test
    void ingressFedByFourHostThreads() throws Exception
    {
        final dev.riffle.api.connectors.Ingress<long[]> ingress = new dev.riffle.api.connectors.Ingress<>(256);
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2));
        final CollectSink<long[]> sink = new CollectSink<>();
        env.fromSource(ingress, "Ingress").keyBy(e -> e[0]).map(e -> e).sinkTo(sink);
        final JobHandle handle = env.executeAsync("ingress");

        final int producers = 4;
        final int perProducer = 25_000;
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final long producer = p;
            final Thread t = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < perProducer; i++)
                    {
                        ingress.offer(new long[]{producer, i});
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(t);
            t.start();
        }
        for (final Thread t : threads)
        {
            t.join(Jobs.TIMEOUT.toMillis());
        }
        ingress.close();
        assertTrue(handle.await(Jobs.TIMEOUT));

        final Map<Long, List<Long>> perKey = sink.results().stream()
            .collect(Collectors.groupingBy(e -> e[0], Collectors.mapping(e -> e[1], Collectors.toList())));
        assertEquals(producers, perKey.size());
        for (final List<Long> sequence : perKey.values())
        {
            assertEquals(LongStream.range(0, perProducer).boxed().collect(Collectors.toList()), sequence,
                "each host thread's events arrive once and in order");
        }
        Jobs.assertNoThreadsLeft("ingress");
    }

    @Test
    void outputOfAnOperatorFansOutToSeveralConsumers() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig().defaultParallelism(2));
        final CollectSink<Long> evens = new CollectSink<>();
        final CollectSink<Long> odds = new CollectSink<>();
        final DataStream<Long> numbers = env.generate(1000, i -> i).map(i -> i);
        numbers.filter(i -> i % 2 == 0).sinkTo(evens);
        numbers.filter(i -> i % 2 == 1).setParallelism(1).sinkTo(odds);

        Jobs.run(env, "fan-out");

        assertEquals(500, evens.results().size());
        assertEquals(LongStream.range(0, 500).map(i -> 2 * i + 1).boxed().collect(Collectors.toList()),
            odds.results().stream().sorted(Comparator.naturalOrder()).collect(Collectors.toList()));
    }

    @Test
    void pinnedJobRunsWhetherOrNotPinningIsAvailable() throws Exception
    {
        final StreamEnvironment env = StreamEnvironment.create(new RiffleConfig()
            .defaultParallelism(2)
            .cpuAffinity(0, 1));
        final CollectSink<KeyedValue<Long, Long>> sink = new CollectSink<>();
        env.generate(50_000, i -> i % 10).keyBy(i -> i).count().sinkTo(sink);

        Jobs.run(env, "pinned");

        assertEquals(50_000, sink.results().size());
    }

    static final class RecordInstance extends KeyedProcessFunction<Long, Long, Boolean>
    {
        private static final long serialVersionUID = 1L;
        static final Map<Long, Integer> INSTANCE_OF_KEY = new ConcurrentHashMap<>();

        @Override
        public void processElement(final Long value, final Context<Long> ctx, final Collector<Boolean> out)
        {
            final int me = getRuntimeContext().indexOfThisSubtask();
            final Integer previous = INSTANCE_OF_KEY.putIfAbsent(ctx.getCurrentKey(), me);
            out.collect(null == previous || previous == me);
        }
    }

    static final class CountPerKey extends RichMapFunction<String, String>
    {
        private static final long serialVersionUID = 1L;

        private transient ValueState<Integer> count;
        private int instanceLocalCalls;

        @Override
        public void open(final RuntimeContext context) throws Exception
        {
            super.open(context);
            count = context.getState(new ValueStateDescriptor<>("count", Integer.class, 0));
        }

        @Override
        public String map(final String key)
        {
            instanceLocalCalls++;
            final int next = count.value() + 1;
            count.update(next);
            return key + ',' + next;
        }
    }

    record SumAndCount(long sum, long count)
    {
    }

    static final class RecordAverage implements dev.riffle.api.functions.AggregateFunction<Long, SumAndCount, Double>
    {
        @Override
        public SumAndCount createAccumulator()
        {
            return new SumAndCount(0, 0);
        }

        @Override
        public SumAndCount add(final Long value, final SumAndCount acc)
        {
            return new SumAndCount(acc.sum() + value, acc.count() + 1);
        }

        @Override
        public Double getResult(final SumAndCount acc)
        {
            return acc.sum() / (double)acc.count();
        }

        @Override
        public SumAndCount merge(final SumAndCount a, final SumAndCount b)
        {
            return new SumAndCount(a.sum() + b.sum(), a.count() + b.count());
        }
    }

    static final class Average implements dev.riffle.api.functions.AggregateFunction<Long, long[], Double>
    {
        @Override
        public long[] createAccumulator()
        {
            return new long[2];
        }

        @Override
        public long[] add(final Long value, final long[] acc)
        {
            acc[0] += value;
            acc[1]++;
            return acc;
        }

        @Override
        public Double getResult(final long[] acc)
        {
            return acc[0] / (double)acc[1];
        }

        @Override
        public long[] merge(final long[] a, final long[] b)
        {
            return new long[]{a[0] + b[0], a[1] + b[1]};
        }
    }
}
