package dev.riffle.runtime;

import dev.riffle.api.JobHandle;
import dev.riffle.api.JobStatus;
import dev.riffle.api.KeyedValue;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.checkpoint.CheckpointingMode;
import dev.riffle.api.checkpoint.CompletedCheckpoint;
import dev.riffle.api.checkpoint.RestartStrategy;
import dev.riffle.api.checkpoint.StartPoint;
import dev.riffle.api.connectors.JournaledIngress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointingJobTest
{
    private static final int KEYS = 50;

    @TempDir
    Path checkpoints;

    private dev.riffle.api.StateBackendType backend = dev.riffle.api.StateBackendType.HEAP;

    @org.junit.jupiter.api.BeforeEach
    void clearInjectedFailures()
    {
        FAIL_AT.clear();
    }

    /**
     * Record values at which the flaky operator throws, once each: far apart, so that each failure
     * happens in its own attempt, at a different point relative to the checkpoints.
     */
    static final java.util.Set<Long> FAIL_AT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @ParameterizedTest(name = "parallelism {0}, restarts {1}, {2} state")
    @CsvSource({"1, fixed, HEAP", "3, fixed, HEAP", "1, exponential, HEAP", "3, exponential, HEAP",
        "1, fixed, OFF_HEAP", "3, exponential, OFF_HEAP", "3, fixed, CHRONICLE"})
    void failuresInsideTheJobGiveExactlyOnceOutput(final int parallelism, final String strategy,
        final dev.riffle.api.StateBackendType backend) throws Exception
    {
        final long records = 60_000;
        FAIL_AT.addAll(List.of(7_001L, 23_003L, 41_017L));
        final RiffleConfig config = new RiffleConfig().defaultParallelism(parallelism).stateBackend(backend);
        config.checkpointing()
            .interval(Duration.ofMillis(10))
            .directory(checkpoints)
            .restartStrategy("fixed".equals(strategy) ?
                RestartStrategy.fixedDelay(10, Duration.ofMillis(5)) :
                RestartStrategy.exponentialDelay(Duration.ofMillis(1), Duration.ofMillis(20), 2.0, 10));
        final StreamEnvironment env = StreamEnvironment.create(config);
        final TransactionalCollectSink<KeyedValue<Long, Long>> sink = new TransactionalCollectSink<>();
        env.generate(records, i -> i, 300_000).setParallelism(1)
            .map(CheckpointingJobTest::failSometimes).name("Flaky")
            .keyBy(i -> i % KEYS)
            .count()
            .sinkTo(sink);

        final JobHandle job = Jobs.run(env, "exactly-once-" + parallelism + strategy + backend);

        assertEquals(JobStatus.FINISHED, job.status());
        assertEquals(3, job.restarts(), "every injected failure restarted the job");
        assertTrue(job.completedCheckpoints() > 0, "checkpoints completed");
        assertExactlyOnceCounts(sink.committed(), records);
    }

    @Test
    void atLeastOnceModeLosesNothing() throws Exception
    {
        final long records = 40_000;
        FAIL_AT.addAll(List.of(9_001L, 27_003L));
        final RiffleConfig config = new RiffleConfig().defaultParallelism(2);
        config.checkpointing()
            .interval(Duration.ofMillis(10))
            .mode(CheckpointingMode.AT_LEAST_ONCE)
            .directory(checkpoints)
            .restartStrategy(RestartStrategy.fixedDelay(5, Duration.ZERO));
        final StreamEnvironment env = StreamEnvironment.create(config);
        final TransactionalCollectSink<Long> sink = new TransactionalCollectSink<>();
        env.generate(records, i -> i, 200_000).setParallelism(2)
            .map(CheckpointingJobTest::failSometimes)
            .keyBy(i -> i % KEYS)
            .map(i -> i)
            .sinkTo(sink);

        final JobHandle job = Jobs.run(env, "at-least-once");

        assertEquals(2, job.restarts());
        final java.util.Set<Long> missing = LongStream.range(0, records).boxed().collect(Collectors.toSet());
        missing.removeAll(sink.committed());
        assertTrue(missing.isEmpty(), () -> missing.size() + " records lost, e.g. " + missing.stream().limit(10).toList());
    }

    @Test
    void noRestartStrategyFailsTheJobOnTheFirstFailure() throws Exception
    {
        FAIL_AT.add(10_001L);
        final RiffleConfig config = new RiffleConfig();
        config.checkpointing().interval(Duration.ofMillis(10)).directory(checkpoints)
            .restartStrategy(RestartStrategy.none());
        final StreamEnvironment env = StreamEnvironment.create(config);
        env.generate(50_000, i -> i, 500_000).map(CheckpointingJobTest::failSometimes).name("Flaky")
            .keyBy(i -> i % KEYS).count().sinkTo(new TransactionalCollectSink<>());

        final var ex = Jobs.runExpectingFailure(env, "no-restart");

        assertTrue(ex.getMessage().contains("operator 'Flaky'"), ex.getMessage());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(dev.riffle.api.StateBackendType.class)
    void restartedProcessResumesFromTheLatestCheckpoint(final dev.riffle.api.StateBackendType backend) throws Exception
    {
        this.backend = backend;
        final long records = 30_000;
        final TransactionalCollectSink<KeyedValue<Long, Long>> sink = new TransactionalCollectSink<>();

        // the first run is cancelled after 3 checkpoints: its rate only has to leave room for them
        // (3 s of input; checkpoints every 10 ms), or a slow checkpoint on a loaded machine races the
        // end of the input
        final JobHandle first = countJob(records, sink, 2, StartPoint.latestCheckpoint(), FIRST_RUN_RATE)
            .executeAsync("resume");
        awaitCheckpoints(first, 3);
        first.cancel();
        assertThrows(dev.riffle.api.JobExecutionException.class, () -> first.await(Jobs.TIMEOUT));
        Jobs.assertNoThreadsLeft("resume");
        final int committedBefore = sink.committed().size();
        assertTrue(committedBefore > 0, "the first run committed output");

        final JobHandle second = Jobs.run(countJob(records, sink, 2, StartPoint.latestCheckpoint(), 0), "resume");

        assertEquals(JobStatus.FINISHED, second.status());
        assertTrue(second.metrics().recordsIn("Count") < records, "the second run did not start from scratch");
        assertExactlyOnceCounts(sink.committed(), records);
    }

    @ParameterizedTest(name = "{0} -> {1}, {2} state")
    @CsvSource({"2, 3, HEAP", "3, 1, HEAP", "2, 3, OFF_HEAP", "3, 1, OFF_HEAP", "2, 3, CHRONICLE"})
    void savepointRestoresAtAnotherParallelism(final int before, final int after,
        final dev.riffle.api.StateBackendType backend) throws Exception
    {
        this.backend = backend;
        final long records = 30_000;
        final TransactionalCollectSink<KeyedValue<Long, Long>> sink = new TransactionalCollectSink<>();
        final JobHandle first = countJob(records, sink, before, StartPoint.fresh(), FIRST_RUN_RATE)
            .executeAsync("rescale");
        awaitCheckpoints(first, 1);
        final Path savepoint = checkpoints.resolve("savepoint-" + before);

        assertEquals(savepoint, first.stopWithSavepoint(savepoint).get(30, TimeUnit.SECONDS));
        assertTrue(first.await(Jobs.TIMEOUT));
        assertEquals(JobStatus.FINISHED, first.status());

        final JobHandle second = Jobs.run(countJob(records, sink, after, StartPoint.from(savepoint), 0), "rescale");

        assertEquals(JobStatus.FINISHED, second.status());
        assertExactlyOnceCounts(sink.committed(), records);
    }

    @Test
    void checkpointThatTimesOutIsAbortedAndTheJobGoesOn() throws Exception
    {
        final long records = 20_000;
        final RiffleConfig config = new RiffleConfig().defaultParallelism(2);
        // the timeout applies to every checkpoint, the final one too: it must be far above what a checkpoint
        // takes on a loaded 2-core machine (150 ms was not); the pipeline is held until one timed out
        config.checkpointing().interval(Duration.ofMillis(10)).timeout(Duration.ofSeconds(1)).directory(checkpoints)
            .restartStrategy(RestartStrategy.none());
        final StreamEnvironment env = StreamEnvironment.create(config);
        final TransactionalCollectSink<KeyedValue<Long, Long>> sink = new TransactionalCollectSink<>();
        env.generate(records, i -> i, 100_000).setParallelism(1)
            .map(CheckpointingJobTest::holdAt5000)
            .keyBy(i -> i % KEYS)
            .count()
            .sinkTo(sink);

        held = new java.util.concurrent.CountDownLatch(1);
        release = new java.util.concurrent.CountDownLatch(1);
        final JobHandle job = env.executeAsync("timeouts");
        try
        {
            assertTrue(held.await(Jobs.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the pipeline is held");
            // asked for while the barrier is held: its turn comes when the one in flight timed out, and it
            // times out too, since the pipeline stays held until then
            final java.util.concurrent.CompletableFuture<CompletedCheckpoint> duringStall = job.checkpoint();
            assertThrows(java.util.concurrent.ExecutionException.class,
                () -> duringStall.get(Jobs.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "checkpoint aborted");
        }
        finally
        {
            release.countDown();
        }
        assertTrue(job.await(Jobs.TIMEOUT), "job ended");
        Jobs.assertNoThreadsLeft("timeouts");

        assertEquals(JobStatus.FINISHED, job.status());
        assertEquals(0, job.restarts());
        assertTrue(job.completedCheckpoints() > 0, "the final checkpoint completed after the aborted ones");
        assertExactlyOnceCounts(sink.committed(), records);
        try (var dirs = java.nio.file.Files.list(checkpoints.resolve("timeouts")))
        {
            assertTrue(dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .allMatch(d -> java.nio.file.Files.exists(d.resolve("_metadata"))),
                "aborted checkpoints leave no directory behind");
        }
    }

    @Test
    void journaledIngressReplaysWhatTheHostOfferedSinceTheLastCheckpoint() throws Exception
    {
        final Path journal = checkpoints.resolve("journal");
        final TransactionalCollectSink<Long> sink = new TransactionalCollectSink<>();
        final JournaledIngress<Long> firstIngress = new JournaledIngress<>(journal,
            dev.riffle.api.state.serialization.Serializers.forType(Long.class), 1 << 22, 1 << 16);
        final JobHandle first = journalJob(firstIngress, sink).executeAsync("journal");
        for (long i = 0; i < 20_000; i++)
        {
            firstIngress.offer(i);
        }
        awaitCheckpoints(first, 2);
        for (long i = 20_000; i < 30_000; i++)
        {
            firstIngress.offer(i);
        }
        first.cancel(); // the process "dies": records after the last checkpoint are only in the journal
        assertThrows(dev.riffle.api.JobExecutionException.class, () -> first.await(Jobs.TIMEOUT));

        final JournaledIngress<Long> secondIngress = new JournaledIngress<>(journal,
            dev.riffle.api.state.serialization.Serializers.forType(Long.class), 1 << 22, 1 << 16);
        final JobHandle second = journalJob(secondIngress, sink).executeAsync("journal");
        for (long i = 30_000; i < 40_000; i++)
        {
            secondIngress.offer(i);
        }
        secondIngress.close();
        assertTrue(second.await(Jobs.TIMEOUT));
        Jobs.assertNoThreadsLeft("journal");

        final List<Long> committed = new ArrayList<>(sink.committed());
        committed.sort(null);
        assertEquals(LongStream.range(0, 40_000).boxed().collect(Collectors.toList()), committed,
            "every offered record committed exactly once");
    }

    private StreamEnvironment journalJob(final JournaledIngress<Long> ingress,
        final TransactionalCollectSink<Long> sink)
    {
        final RiffleConfig config = new RiffleConfig().defaultParallelism(2);
        config.checkpointing().interval(Duration.ofMillis(10)).directory(checkpoints.resolve("cp"));
        final StreamEnvironment env = StreamEnvironment.create(config);
        env.fromSource(ingress, "Journaled Ingress").keyBy(i -> i % KEYS).map(i -> i).sinkTo(sink);
        return env;
    }

    @Test
    void restartedAttemptGetsPristineCopiesOfRichFunctions() throws Exception
    {
        FAIL_AT.add(15_001L);
        Counting.SEEN_AT_OPEN.clear();
        final RiffleConfig config = new RiffleConfig().defaultParallelism(2);
        config.checkpointing().interval(Duration.ofMillis(10)).directory(checkpoints)
            .restartStrategy(RestartStrategy.fixedDelay(3, Duration.ZERO));
        final StreamEnvironment env = StreamEnvironment.create(config);
        env.generate(30_000, i -> i, 200_000).setParallelism(1)
            .keyBy(i -> i % KEYS)
            .map(new Counting())
            .sinkTo(new TransactionalCollectSink<>());

        final JobHandle job = Jobs.run(env, "pristine");

        assertEquals(1, job.restarts());
        assertEquals(4, Counting.SEEN_AT_OPEN.size(), "two instances, two attempts");
        assertTrue(Counting.SEEN_AT_OPEN.stream().allMatch(seen -> seen == 0),
            "a restarted instance saw a field the failed attempt had changed: " + Counting.SEEN_AT_OPEN);
    }

    static final class Counting extends dev.riffle.api.functions.RichMapFunction<Long, Long>
    {
        private static final long serialVersionUID = 1L;
        static final List<Long> SEEN_AT_OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

        private long seen;

        @Override
        public void open(final dev.riffle.api.functions.RuntimeContext context)
        {
            SEEN_AT_OPEN.add(seen);
        }

        @Override
        public Long map(final Long value)
        {
            seen++;
            return failSometimes(value);
        }
    }

    @Test
    void aCheckpointWhoseMetadataCannotBeWrittenIsAbortedAndTheRequestsBehindItStillRun() throws Exception
    {
        final long records = 20_000;
        final RiffleConfig config = new RiffleConfig().stateBackend(backend);
        config.checkpointing().interval(Duration.ofHours(1)).directory(checkpoints)
            .restartStrategy(RestartStrategy.none());
        final StreamEnvironment env = StreamEnvironment.create(config);
        final TransactionalCollectSink<KeyedValue<Long, Long>> sink = new TransactionalCollectSink<>();
        held = new java.util.concurrent.CountDownLatch(1);
        release = new java.util.concurrent.CountDownLatch(1);
        // a host-fed source: its input ends only when the test closes it, so the job cannot start finishing
        // (which fails checkpoint requests) before the requests under test ran
        final dev.riffle.api.connectors.Ingress<Long> ingress = new dev.riffle.api.connectors.Ingress<>(1 << 16);
        env.fromSource(ingress, "Ingress")
            .map(CheckpointingJobTest::holdAt5000)
            .keyBy(i -> i % KEYS)
            .count()
            .sinkTo(sink);
        final JobHandle job = env.executeAsync("metadata-fails");
        try
        {
            for (long i = 0; i < records / 2; i++)
            {
                ingress.offer(i);
            }
            assertTrue(held.await(Jobs.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the pipeline is held");
            // the barrier cannot pass the held record: the checkpoint stays pending while we break its
            // metadata file's place, then a second request queues behind it
            final var failing = job.checkpoint();
            final Path checkpoint = awaitCheckpointDirectory(checkpoints.resolve("metadata-fails"));
            java.nio.file.Files.createDirectories(checkpoint.resolve("_metadata.tmp"));
            final var behind = job.checkpoint();
            release.countDown();

            assertThrows(java.util.concurrent.ExecutionException.class,
                () -> failing.get(Jobs.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "aborted: no metadata");
            final CompletedCheckpoint next = behind.get(Jobs.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(java.nio.file.Files.exists(next.directory().resolve("_metadata")), next.toString());
            for (long i = records / 2; i < records; i++)
            {
                ingress.offer(i);
            }
        }
        finally
        {
            release.countDown();
            ingress.close();
        }
        assertTrue(job.await(Jobs.TIMEOUT));
        assertEquals(JobStatus.FINISHED, job.status());
        assertExactlyOnceCounts(sink.committed(), records);
    }

    private static volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    private static volatile java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(0);

    /**
     * Holds the pipeline (and the barriers behind record 5,000) until the test releases it.
     */
    static long holdAt5000(final long value) throws InterruptedException
    {
        if (value == 5_000)
        {
            held.countDown();
            assertTrue(release.await(Jobs.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "released");
        }
        return value;
    }

    private static Path awaitCheckpointDirectory(final Path jobDirectory) throws Exception
    {
        final long deadline = System.nanoTime() + Jobs.TIMEOUT.toNanos();
        while (true)
        {
            if (java.nio.file.Files.isDirectory(jobDirectory))
            {
                try (var dirs = java.nio.file.Files.list(jobDirectory))
                {
                    final var found = dirs.filter(d -> d.getFileName().toString().startsWith("chk-")).findFirst();
                    if (found.isPresent())
                    {
                        return found.get();
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "no checkpoint directory appeared");
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void checkpointOnDemandCompletesAndCommits() throws Exception
    {
        final long records = 30_000;
        final TransactionalCollectSink<KeyedValue<Long, Long>> sink = new TransactionalCollectSink<>();
        final RiffleConfig config = new RiffleConfig().defaultParallelism(2).stateBackend(backend);
        // periodic checkpoints every hour: only the ones asked for run while the job does
        config.checkpointing().interval(Duration.ofHours(1)).directory(checkpoints);
        final StreamEnvironment env = StreamEnvironment.create(config);
        env.generate(records, i -> i, 20_000).setParallelism(1)
            .keyBy(i -> i % KEYS)
            .count()
            .sinkTo(sink);
        final JobHandle job = env.executeAsync("on-demand");

        final var first = job.checkpoint();
        final var shared = job.checkpoint();
        final CompletedCheckpoint done = first.get(30, TimeUnit.SECONDS);
        final CompletedCheckpoint next = job.checkpoint().get(30, TimeUnit.SECONDS);

        assertTrue(java.nio.file.Files.exists(done.directory().resolve("_metadata")), done.toString());
        assertTrue(done.duration().toNanos() > 0);
        assertTrue(shared.get(30, TimeUnit.SECONDS).checkpointId() > done.checkpointId(),
            "a request made while a checkpoint is pending gets the next one");
        assertTrue(next.checkpointId() > done.checkpointId());
        assertTrue(job.completedCheckpoints() >= 2);
        assertTrue(sink.committed().size() > 0, "completion commits the sinks");
        assertTrue(job.await(Jobs.TIMEOUT));
        assertExactlyOnceCounts(sink.committed(), records);

        final StreamEnvironment unchecked = StreamEnvironment.create(new RiffleConfig());
        unchecked.generate(10, i -> i, 0).sinkTo(new TransactionalCollectSink<>());
        final JobHandle plain = Jobs.run(unchecked, "no-checkpointing");
        assertThrows(IllegalStateException.class, plain::checkpoint);
    }

    @Test
    void missingStartCheckpointIsAClearError()
    {
        final StreamEnvironment env = countJob(10, new TransactionalCollectSink<>(), 1,
            StartPoint.from(checkpoints.resolve("does-not-exist")), 0);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> env.executeAsync("missing"));
        assertTrue(ex.getMessage().contains("does not exist"), ex.getMessage());
        Jobs.assertNoThreadsLeft("missing");
    }

    private StreamEnvironment countJob(
        final long records,
        final TransactionalCollectSink<KeyedValue<Long, Long>> sink,
        final int parallelism,
        final StartPoint startPoint,
        final double rate)
    {
        final RiffleConfig config = new RiffleConfig().defaultParallelism(parallelism).stateBackend(backend);
        config.checkpointing().interval(Duration.ofMillis(10)).directory(checkpoints).startPoint(startPoint);
        final StreamEnvironment env = StreamEnvironment.create(config);
        env.generate(records, i -> i, rate).setParallelism(1)
            .keyBy(i -> i % KEYS)
            .count()
            .sinkTo(sink);
        return env;
    }

    /**
     * Records per second of a first run that is stopped once it has checkpointed: slow enough that its
     * input cannot end before the checkpoints the test waits for.
     */
    private static final long FIRST_RUN_RATE = 10_000;

    private static void awaitCheckpoints(final JobHandle job, final long count) throws Exception
    {
        final long deadline = System.nanoTime() + Jobs.TIMEOUT.toNanos();
        while (job.completedCheckpoints() < count)
        {
            assertTrue(System.nanoTime() < deadline, "no checkpoint completed in time");
            assertTrue(!job.await(Duration.ofMillis(5)), "the job ended before " + count + " checkpoints");
        }
    }

    static long failSometimes(final long value)
    {
        if (FAIL_AT.remove(value))
        {
            throw new IllegalStateException("injected failure at " + value);
        }
        return value;
    }

    /**
     * Every key k got exactly the counts 1..n(k), each once, where n(k) is how often k occurs.
     */
    private static void assertExactlyOnceCounts(final List<KeyedValue<Long, Long>> committed, final long records)
    {
        final Map<Long, List<Long>> countsPerKey = new HashMap<>();
        for (final KeyedValue<Long, Long> kv : committed)
        {
            countsPerKey.computeIfAbsent(kv.key(), k -> new ArrayList<>()).add(kv.value());
        }
        assertEquals(KEYS, countsPerKey.size());
        for (final Map.Entry<Long, List<Long>> e : countsPerKey.entrySet())
        {
            final long n = LongStream.range(0, records).filter(i -> i % KEYS == e.getKey()).count();
            final List<Long> sorted = e.getValue().stream().sorted().collect(Collectors.toList());
            final boolean exact = sorted.equals(LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList()));
            assertTrue(exact, () -> "key " + e.getKey() + ": expected the counts 1.." + n + " once each, got " +
                sorted.size() + " counts, " + (sorted.size() - sorted.stream().distinct().count()) + " duplicates, max " +
                (sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1)));
        }
    }
}
