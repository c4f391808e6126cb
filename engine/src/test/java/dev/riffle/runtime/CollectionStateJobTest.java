package dev.riffle.runtime;

import dev.riffle.api.JobHandle;
import dev.riffle.api.JobStatus;
import dev.riffle.api.KeyedValue;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StateBackendType;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.checkpoint.RestartStrategy;
import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.api.functions.RuntimeContext;
import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * List and map state through a whole job with checkpoints and injected failures, on every backend: the
 * committed output is exactly what the function gives on each key's records in order, once each — so
 * the collections were restored as they were at each checkpoint, parts and all.
 */
class CollectionStateJobTest
{
    private static final int KEYS = 20;
    private static final int RECORDS = 40_000;

    @TempDir
    Path checkpoints;

    @ParameterizedTest
    @EnumSource(StateBackendType.class)
    void listAndMapStatesAreRestoredExactlyAfterFailures(final StateBackendType backend) throws Exception
    {
        CheckpointingJobTest.FAIL_AT.clear();
        CheckpointingJobTest.FAIL_AT.addAll(List.of(5_003L, 17_011L, 31_019L));
        final RiffleConfig config = new RiffleConfig().defaultParallelism(2).stateBackend(backend);
        config.checkpointing()
            .interval(Duration.ofMillis(10))
            .directory(checkpoints)
            .restartStrategy(RestartStrategy.fixedDelay(10, Duration.ofMillis(5)));
        final StreamEnvironment env = StreamEnvironment.create(config);
        final TransactionalCollectSink<KeyedValue<Long, String>> sink = new TransactionalCollectSink<>();
        env.generate(RECORDS, i -> i, 400_000).setParallelism(1)
            .map(CheckpointingJobTest::failSometimes).name("Flaky")
            .keyBy(i -> i % KEYS)
            .process(new Summary()).name("Summary")
            .sinkTo(sink);

        final JobHandle job = Jobs.run(env, "collections-" + backend);

        assertEquals(JobStatus.FINISHED, job.status());
        assertEquals(3, job.restarts(), "every injected failure restarted the job");
        final Map<Long, List<String>> committed = new TreeMap<>();
        for (final KeyedValue<Long, String> kv : sink.committed())
        {
            committed.computeIfAbsent(kv.key(), k -> new ArrayList<>()).add(kv.value());
        }
        final Map<Long, List<String>> expected = expected();
        assertEquals(expected.keySet(), committed.keySet());
        for (final Map.Entry<Long, List<String>> e : expected.entrySet())
        {
            final List<String> actual = new ArrayList<>(committed.get(e.getKey()));
            actual.sort(null);
            final List<String> wanted = new ArrayList<>(e.getValue());
            wanted.sort(null);
            assertTrue(wanted.equals(actual), () -> "key " + e.getKey() + ": " + actual.size() + " outputs for " +
                wanted.size() + " records");
        }
    }

    /**
     * The function on plain collections, key by key in record order.
     */
    private static Map<Long, List<String>> expected()
    {
        final Map<Long, List<String>> outputs = new HashMap<>();
        final Map<Long, List<Long>> recent = new HashMap<>();
        final Map<Long, Map<Long, Long>> residues = new HashMap<>();
        for (long i = 0; i < RECORDS; i++)
        {
            final long key = i % KEYS;
            final List<Long> list = recent.computeIfAbsent(key, k -> new ArrayList<>());
            final Map<Long, Long> map = residues.computeIfAbsent(key, k -> new HashMap<>());
            outputs.computeIfAbsent(key, k -> new ArrayList<>()).add(Summary.step(i, list, map));
        }
        return outputs;
    }

    /**
     * Per key: the last few values (appended, cut back by {@code update} when too long) and a count per
     * residue modulo 7 (a residue removed when it reaches 5, so entries come and go); emits both.
     */
    static final class Summary extends KeyedProcessFunction<Long, Long, KeyedValue<Long, String>>
    {
        private ListState<Long> recent;
        private MapState<Long, Long> residues;

        @Override
        public void open(final RuntimeContext context)
        {
            recent = context.getListState(new ListStateDescriptor<>("recent", Long.class));
            residues = context.getMapState(new MapStateDescriptor<>("residues", Long.class, Long.class));
        }

        @Override
        public void processElement(final Long value, final Context<Long> ctx,
            final Collector<KeyedValue<Long, String>> out)
        {
            final List<Long> list = new ArrayList<>();
            recent.get().forEach(list::add);
            final Map<Long, Long> map = new HashMap<>();
            residues.entries().forEach(e -> map.put(e.getKey(), e.getValue()));
            final List<Long> before = new ArrayList<>(list);
            final String summary = step(value, list, map);
            if (list.size() == before.size() + 1 && list.subList(0, before.size()).equals(before))
            {
                recent.add(list.get(list.size() - 1));
            }
            else
            {
                recent.update(list);
            }
            final long residue = value % 7;
            final Long count = map.get(residue);
            if (null == count)
            {
                residues.remove(residue);
            }
            else
            {
                residues.put(residue, count);
            }
            out.collect(new KeyedValue<>(ctx.getCurrentKey(), summary));
        }

        /**
         * One record's effect on a key's collections, and the output it gives.
         */
        static String step(final long value, final List<Long> recent, final Map<Long, Long> residues)
        {
            recent.add(value);
            if (recent.size() > 6)
            {
                recent.subList(0, 3).clear();
            }
            final long residue = value % 7;
            final long count = residues.getOrDefault(residue, 0L) + 1;
            if (count == 5)
            {
                residues.remove(residue);
            }
            else
            {
                residues.put(residue, count);
            }
            return value + ":" + recent + ":" + new TreeMap<>(residues);
        }
    }
}
