package dev.riffle.benchmarks;

import dev.riffle.api.JobExecutionException;
import dev.riffle.api.JobHandle;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StateBackendType;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.checkpoint.CompletedCheckpoint;
import dev.riffle.api.checkpoint.StartPoint;
import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.SinkWriter;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.functions.Collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Checkpoint cost against state size at the engine level (a whole job, not the store alone): a keyed
 * count job (source → keyBy → {@code ValueState<Long>} count → sink, parallelism 1, off-heap state by
 * default) first gives each of N long keys a count and takes a checkpoint ({@link JobHandle#checkpoint()}),
 * then, for each round, updates 1 % of the keys (uniformly at random) and takes the next one. Per
 * checkpoint: its duration (trigger → durable and committed) and the bytes of the files it added to the
 * job's checkpoint directory ({@code chk-<n>/} and {@code shared/}). The task thread's synchronous part
 * is measured at the store level by {@link StoreCheckpointHarness}.
 * <p>
 * Run (state is off heap: 50 M keys fit in {@code -Xmx1g}; disk about 2 × 60 bytes per key under
 * {@code --dir}, default the temp directory):
 * <pre>
 * java -Xmx1g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *      dev.riffle.benchmarks.EngineCheckpointHarness [--rounds 3] [--dir D] 1000000 10000000 50000000
 * </pre>
 * {@code -Driffle.state=HEAP|OFF_HEAP|CHRONICLE} selects the backend (Chronicle needs the JVM flags in
 * StoreBenchmark's {@code @Fork}).
 */
public final class EngineCheckpointHarness
{
    private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(30);

    private EngineCheckpointHarness()
    {
    }

    /**
     * @param args {@code [--rounds R] [--dir D] keys...}
     * @throws Exception if a job fails.
     */
    public static void main(final String[] args) throws Exception
    {
        int rounds = 3;
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        final List<Long> keyCounts = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--dir" -> parent = Path.of(args[++i]);
                default -> keyCounts.add(Long.parseLong(args[i].replace("_", "")));
            }
        }
        final StateBackendType backend = StateBackendType.valueOf(System.getProperty("riffle.state", "OFF_HEAP"));
        System.out.printf("%s state, parallelism 1, %d rounds of 1 %% updates%n%n", backend, rounds);
        System.out.println("| keys | checkpoint | duration | bytes written | of the first |");
        System.out.println("|---|---|---|---|---|");
        for (final long keys : keyCounts.isEmpty() ? List.of(1_000_000L, 10_000_000L) : keyCounts)
        {
            final Path root = Files.createTempDirectory(parent, "riffle-engine-checkpoint-");
            try
            {
                run(keys, rounds, backend, root);
            }
            finally
            {
                BenchmarkFiles.deleteRecursively(root);
            }
        }
    }

    private static void run(final long keys, final int rounds, final StateBackendType backend, final Path root)
        throws Exception
    {
        final Path checkpoints = root.resolve("checkpoints");
        final RiffleConfig config = new RiffleConfig().stateBackend(backend).stateDirectory(root.resolve("state"));
        // periodic checkpoints only in name: every checkpoint here is triggered by the harness
        config.checkpointing().interval(Duration.ofHours(1)).timeout(Duration.ofMinutes(10))
            .directory(checkpoints).startPoint(StartPoint.fresh());
        final Pacing pacing = new Pacing(keys);
        final StreamEnvironment env = StreamEnvironment.create(config);
        env.fromSource(new PacedKeys(pacing), "Keys")
            .keyBy(k -> k)
            .process(new CountPerKey<Long, Long>())
            .sinkTo(context -> (SinkWriter<Long>)count -> pacing.processed.incrementAndGet());
        final JobHandle job = env.executeAsync("engine-checkpoint");
        try
        {
            long first = 0;
            for (int round = 0; round <= rounds; round++)
            {
                final long records = 0 == round ? keys : keys / 100;
                pacing.release(records);
                awaitProcessed(job, pacing);
                final Map<Path, Long> before = files(checkpoints);
                final CompletedCheckpoint done = job.checkpoint().get(10, TimeUnit.MINUTES);
                final long written = newBytes(before, files(checkpoints));
                first = 0 == round ? written : first;
                System.out.printf("| %,d | %s | %.0f ms | %,.1f MB | %.1f %% |%n", keys,
                    0 == round ? "first (all keys)" : "after 1 % updated", done.duration().toNanos() / 1e6,
                    written / 1e6, 100.0 * written / first);
            }
        }
        finally
        {
            job.cancel();
            try
            {
                job.await();
            }
            catch (final JobExecutionException expected)
            {
                // cancelled as asked
            }
        }
    }

    private static void awaitProcessed(final JobHandle job, final Pacing pacing) throws Exception
    {
        final long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (pacing.processed.get() < pacing.released)
        {
            if (job.status().isTerminal())
            {
                job.await();
                throw new IllegalStateException("job ended early");
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("records not processed in time");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static Map<Path, Long> files(final Path root) throws IOException
    {
        final Map<Path, Long> sizes = new HashMap<>();
        if (Files.isDirectory(root))
        {
            try (Stream<Path> paths = Files.walk(root))
            {
                for (final Path p : paths.filter(Files::isRegularFile).toList())
                {
                    sizes.put(p, Files.size(p));
                }
            }
        }
        return sizes;
    }

    private static long newBytes(final Map<Path, Long> before, final Map<Path, Long> after)
    {
        long bytes = 0;
        for (final Map.Entry<Path, Long> file : after.entrySet())
        {
            if (!before.containsKey(file.getKey()))
            {
                bytes += file.getValue();
            }
        }
        return bytes;
    }

    /**
     * How many records the source may emit (raised by the harness thread) and how many the sink has seen
     * (counted by the keyed task thread). The source and sink objects are shared by their task, not
     * copied, so they can hold it.
     */
    static final class Pacing
    {
        final long keys;
        final AtomicLong processed = new AtomicLong();
        volatile long released;

        Pacing(final long keys)
        {
            this.keys = keys;
        }

        void release(final long records)
        {
            released += records; // only the harness thread writes it
        }
    }

    /**
     * Keys 0 … N−1 first, then keys drawn uniformly at random, as far as the harness released; idle
     * in between. Replayable only because checkpoints record its position; the harness never restores.
     */
    static final class PacedKeys implements ReplayableSource<Long>
    {
        private final Pacing pacing;

        PacedKeys(final Pacing pacing)
        {
            this.pacing = pacing;
        }

        @Override
        public ReplayableSourceReader<Long> createReader(final SourceContext context)
        {
            final SplittableRandom random = new SplittableRandom(42);
            return new ReplayableSourceReader<>()
            {
                private long next;

                @Override
                public int poll(final Collector<Long> output, final int maxRecords)
                {
                    final int n = (int)Math.min(maxRecords, pacing.released - next);
                    for (int i = 0; i < n; i++)
                    {
                        output.collect(next < pacing.keys ? next : random.nextLong(pacing.keys));
                        next++;
                    }
                    return n;
                }

                @Override
                public long position()
                {
                    return next;
                }
            };
        }

        @Override
        public ReplayableSourceReader<Long> createReader(final SourceContext context, final long position)
        {
            throw new UnsupportedOperationException("the harness always starts fresh");
        }
    }
}
