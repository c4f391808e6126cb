package dev.riffle.benchmarks;

import dev.riffle.api.JobExecutionException;
import dev.riffle.api.JobHandle;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StateBackendType;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.checkpoint.StartPoint;
import dev.riffle.benchmarks.RecoveryJob.FirstRecord;
import dev.riffle.benchmarks.RecoveryJob.FirstRecordSink;
import dev.riffle.benchmarks.RecoveryJob.KeySource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;


/**
 * Recovery time against state size: for each key count N, a keyed count job (source → keyBy →
 * {@code ValueState<Long>} count → sink, parallelism 1, off-heap state by default) gives every one of
 * N long keys a count of 1 and ends, which takes its final checkpoint (checkpoint every hour: that final
 * one is the only one). Then a new job is started on that checkpoint directory with
 * {@code StartPoint.latestCheckpoint()}, and the harness measures the time until its first record after
 * the restore has been processed (key 0, whose count must then be 2 — checked):
 * <ul>
 * <li><b>process</b>: in a child JVM (same JVM options, class path and backend), from just before the
 * spawn to the child's line printed by its sink at the first record — what a crashed process costs to
 * come back. Split into JVM start (spawn → the child's {@code main}) and job start (its {@code main} →
 * first record); inside the child, {@code executeAsync} (which verifies the checkpoint, restores the
 * state and starts the tasks) is reported too;</li>
 * <li><b>baseline</b>: the same child started fresh on an empty checkpoint directory (no state to
 * restore), once per run: the part of the process figure that is not recovery;</li>
 * <li><b>in-process</b>: the same resume in this (warm) JVM, {@code executeAsync} → first record.</li>
 * </ul>
 * The checkpoint's files were just written, so they are in the OS page cache: these are warm-cache
 * figures (a recovery after a reboot reads from the disk). State size is the bytes of the job's
 * checkpoint directory.
 * <p>
 * Run (about 2 minutes on the 2-core development VM, most of it the fills):
 * <pre>
 * java -Xmx2g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *      dev.riffle.benchmarks.RecoveryTimeHarness 1000000 10000000 20000000
 * </pre>
 * Options before the key counts: {@code --dir D} (where state and checkpoints go; default the temp
 * directory; needs about 2 × 60 bytes per key with the off-heap backend). The backend is
 * {@code -Driffle.state=HEAP|OFF_HEAP|CHRONICLE} (off-heap by default; the heap backend needs a heap of
 * roughly 100 bytes per key; Chronicle needs the JVM flags in StoreBenchmark's {@code @Fork}). The
 * child gets this JVM's options, so they apply to both.
 */
public final class RecoveryTimeHarness
{
    static final String JOB_NAME = "recovery";
    static final String CHILD_FLAG = "--child";
    static final String MAIN_LINE = "RIFFLE-CHILD main";
    static final String FIRST_LINE = "RIFFLE-CHILD first-record";
    static final String EXECUTE_LINE = "RIFFLE-CHILD execute-async";
    static final long PROBE_KEY = 0;

    static final long CHILD_TIMEOUT_SECONDS = 600;

    private RecoveryTimeHarness()
    {
    }

    /**
     * @param args {@code [--dir D] keys...}, or (internal) {@code --child resume|fresh <dir>}.
     * @throws Exception if a job or the child fails.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && CHILD_FLAG.equals(args[0]))
        {
            Child.run(args);
            return;
        }
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        final List<Long> keyCounts = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            if ("--dir".equals(args[i]))
            {
                parent = Path.of(args[++i]);
            }
            else
            {
                keyCounts.add(Long.parseLong(args[i].replace("_", "")));
            }
        }
        if (keyCounts.isEmpty())
        {
            keyCounts.addAll(List.of(1_000_000L, 10_000_000L, 20_000_000L));
        }
        System.out.printf("%s state, parallelism 1, child JVM options %s%n", backend(), childJvmOptions());
        final ChildTimes baseline = baseline(parent);
        System.out.printf("baseline (fresh start, no state): process %.0f ms%n", baseline.totalNanos() / 1e6);
        final List<Row> rows = new ArrayList<>();
        for (final long keys : keyCounts)
        {
            rows.add(measure(parent, keys));
        }
        printTable(baseline, rows);
    }

    static StateBackendType backend()
    {
        return StateBackendType.valueOf(System.getProperty("riffle.state", "OFF_HEAP"));
    }

    private static ChildTimes baseline(final Path parent) throws Exception
    {
        final Path root = Files.createTempDirectory(parent, "riffle-recovery-baseline-");
        try
        {
            return measureChild(root, 0, "fresh");
        }
        finally
        {
            BenchmarkFiles.deleteRecursively(root);
        }
    }

    private static Row measure(final Path parent, final long keys) throws Exception
    {
        final Path root = Files.createTempDirectory(parent, "riffle-recovery-");
        try
        {
            final long fillNanos = fill(root, keys);
            final long checkpointBytes = bytesUnder(root.resolve("checkpoints"));
            System.out.printf("%,d keys: filled and checkpointed in %.1f s, checkpoint %,d MB%n", keys,
                fillNanos / 1e9, checkpointBytes >> 20);
            final ChildTimes child = measureChild(root, keys, "resume");
            final InProcess inProcess = resumeInProcess(root, keys);
            return new Row(keys, checkpointBytes, fillNanos, child, inProcess);
        }
        finally
        {
            BenchmarkFiles.deleteRecursively(root);
        }
    }

    /**
     * Counts every key once; the source then ends, which takes the final checkpoint, and the job
     * finishes once it is complete.
     */
    private static long fill(final Path root, final long keys) throws Exception
    {
        final long start = System.nanoTime();
        final StreamEnvironment env = StreamEnvironment.create(config(root, "state-fill", StartPoint.fresh()));
        define(env, new KeySource(keys, false), new FirstRecordSink(null));
        env.execute(JOB_NAME);
        return System.nanoTime() - start;
    }

    /**
     * The same job as the fill, resumed in this JVM: {@code executeAsync} → first record processed.
     */
    private static InProcess resumeInProcess(final Path root, final long keys) throws Exception
    {
        final FirstRecord first = new FirstRecord();
        final StreamEnvironment env = StreamEnvironment.create(
            config(root, "state-in-process", StartPoint.latestCheckpoint()));
        define(env, new KeySource(keys, true), new FirstRecordSink(first));
        final long start = System.nanoTime();
        final JobHandle job = env.executeAsync(JOB_NAME);
        final long executeNanos = System.nanoTime() - start;
        try
        {
            first.await(job);
        }
        finally
        {
            stop(job);
        }
        checkCount(first.count, keys);
        return new InProcess(executeNanos, first.nanos - start);
    }

    static RiffleConfig config(final Path root, final String stateDirectory, final StartPoint startPoint)
    {
        final RiffleConfig config = new RiffleConfig()
            .stateBackend(backend())
            .stateDirectory(root.resolve(stateDirectory));
        // an hour: the only checkpoint is the final one, at the end of the fill
        config.checkpointing()
            .interval(Duration.ofHours(1))
            .timeout(Duration.ofMinutes(10))
            .directory(root.resolve("checkpoints"))
            .startPoint(startPoint);
        return config;
    }

    /**
     * Fill, child and in-process resume must define the job identically: operators are matched by
     * order and name on restore.
     */
    static void define(final StreamEnvironment env, final KeySource source, final FirstRecordSink sink)
    {
        env.fromSource(source, "Keys")
            .keyBy(k -> k)
            .process(new CountPerKey<Long, Long>())
            .sinkTo(sink);
    }

    static void checkCount(final long count, final long keys)
    {
        final long expected = keys > 0 ? 2 : 1;
        if (count != expected)
        {
            throw new IllegalStateException("key " + PROBE_KEY + " counted " + count + " after the restore, expected " +
                expected + ": the state was not restored");
        }
    }

    static void stop(final JobHandle job) throws InterruptedException
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

    private static ChildTimes measureChild(final Path root, final long keys, final String mode) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(childJvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RecoveryTimeHarness.class.getName(),
            CHILD_FLAG, mode, root.toString(), Long.toString(keys)));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        final Map<String, Long> seenAt = new HashMap<>();
        final Map<String, String> lines = new HashMap<>();
        final CompletableFuture<Void> firstRecord = new CompletableFuture<>();
        final long spawn = System.nanoTime();
        final Process child = builder.start();
        final Thread reader = new Thread(() -> readChild(child, seenAt, lines, firstRecord), "recovery-child-reader");
        reader.setDaemon(true);
        reader.start();
        try
        {
            firstRecord.get(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS) || child.exitValue() != 0)
            {
                throw new IllegalStateException("child (" + mode + ") did not exit cleanly");
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }
        finally
        {
            child.destroyForcibly();
        }
        synchronized (seenAt)
        {
            checkCount(field(lines.get(FIRST_LINE), "count"), keys);
            return new ChildTimes(seenAt.get(MAIN_LINE) - spawn, seenAt.get(FIRST_LINE) - spawn,
                field(lines.get(EXECUTE_LINE), "executeAsyncNs"), field(lines.get(FIRST_LINE), "sinceExecuteNs"));
        }
    }

    /**
     * Time-stamps the child's protocol lines as they arrive (the pipe adds microseconds) and passes
     * anything else through, so the child's warnings are seen.
     */
    private static void readChild(
        final Process child, final Map<String, Long> seenAt, final Map<String, String> lines,
        final CompletableFuture<Void> firstRecord)
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                final long now = System.nanoTime();
                final String tag = tagOf(line);
                if (null == tag)
                {
                    System.out.println("  [child] " + line);
                    continue;
                }
                synchronized (seenAt)
                {
                    seenAt.put(tag, now);
                    lines.put(tag, line);
                }
                if (FIRST_LINE.equals(tag))
                {
                    firstRecord.complete(null);
                }
            }
            firstRecord.completeExceptionally(new IllegalStateException("child ended without a first record"));
        }
        catch (final IOException ex)
        {
            firstRecord.completeExceptionally(ex);
        }
    }

    private static String tagOf(final String line)
    {
        for (final String tag : List.of(MAIN_LINE, FIRST_LINE, EXECUTE_LINE))
        {
            if (line.startsWith(tag))
            {
                return tag;
            }
        }
        return null;
    }

    private static long field(final String line, final String name)
    {
        for (final String part : line.split(" "))
        {
            if (part.startsWith(name + "="))
            {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new IllegalStateException("no " + name + " in child line: " + line);
    }

    /**
     * This JVM's options (heap, {@code --add-exports}/{@code --add-opens}, {@code -Driffle.state}), so the
     * child runs as this process does; debugger and agent options are left out.
     */
    static List<String> childJvmOptions()
    {
        final List<String> options = new ArrayList<>();
        for (final String option : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!option.startsWith("-agentlib") && !option.startsWith("-javaagent") && !option.startsWith("-Xrunjdwp"))
            {
                options.add(option);
            }
        }
        return options;
    }

    private static void printTable(final ChildTimes baseline, final List<Row> rows)
    {
        System.out.println();
        System.out.printf("%12s  %11s  %8s  %12s  %10s  %10s  %13s  %12s  %13s%n", "keys", "checkpoint", "fill",
            "process", "JVM start", "job start", "executeAsync", "in-process", "executeAsync");
        System.out.printf("%12s  %11s  %8s  %9.0f ms  %7.0f ms  %7.0f ms  %10.0f ms  %12s  %13s%n", "baseline", "-",
            "-", baseline.totalNanos() / 1e6, baseline.jvmNanos() / 1e6,
            (baseline.totalNanos() - baseline.jvmNanos()) / 1e6, baseline.executeAsyncNanos() / 1e6, "-", "-");
        for (final Row r : rows)
        {
            final ChildTimes c = r.child();
            System.out.printf("%,12d  %,8d MB  %6.1f s  %9.0f ms  %7.0f ms  %7.0f ms  %10.0f ms  %9.0f ms  %10.0f ms%n",
                r.keys(), r.checkpointBytes() >> 20, r.fillNanos() / 1e9, c.totalNanos() / 1e6, c.jvmNanos() / 1e6,
                (c.totalNanos() - c.jvmNanos()) / 1e6, c.executeAsyncNanos() / 1e6,
                r.inProcess().firstRecordNanos() / 1e6, r.inProcess().executeAsyncNanos() / 1e6);
        }
        System.out.println("process: spawn → first record after restore (child JVM); JVM start: spawn → child main; " +
            "job start: child main → first record; executeAsync: checkpoint verified, state restored, tasks " +
            "started; in-process: the same resume in this JVM, executeAsync → first record");
    }

    private static long bytesUnder(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /**
     * A child's figures, nanoseconds: spawn → its main, spawn → first record (both seen by this
     * process), and from inside the child its executeAsync and executeAsync → first record.
     */
    record ChildTimes(long jvmNanos, long totalNanos, long executeAsyncNanos, long sinceExecuteNanos)
    {
    }

    /**
     * The in-process resume, nanoseconds.
     */
    record InProcess(long executeAsyncNanos, long firstRecordNanos)
    {
    }

    /**
     * One key count's figures.
     */
    record Row(long keys, long checkpointBytes, long fillNanos, ChildTimes child, InProcess inProcess)
    {
    }

    /**
     * The child JVM: resumes (or starts fresh, for the baseline) the job, reports the first record and
     * stops. Its state directory is under the parent's directory, so nothing outlives the run.
     */
    static final class Child
    {
        private Child()
        {
        }

        static void run(final String[] args) throws Exception
        {
            System.out.println(MAIN_LINE);
            System.out.flush();
            final boolean resume = "resume".equals(args[1]);
            final Path root = Path.of(args[2]);
            final long keys = Long.parseLong(args[3]);
            final FirstRecord first = new FirstRecord();
            final StreamEnvironment env = StreamEnvironment.create(config(root, "state-child",
                resume ? StartPoint.latestCheckpoint() : StartPoint.fresh()));
            define(env, new KeySource(keys, true), new FirstRecordSink(first));
            first.executeStart = System.nanoTime();
            final JobHandle job = env.executeAsync(JOB_NAME);
            final long executeNanos = System.nanoTime() - first.executeStart;
            try
            {
                first.await(job);
            }
            finally
            {
                stop(job);
            }
            System.out.println(EXECUTE_LINE + " executeAsyncNs=" + executeNanos + " jvmUptimeMs=" +
                ManagementFactory.getRuntimeMXBean().getUptime());
            System.out.flush();
        }
    }
}
