package dev.riffle.api;

import dev.riffle.api.connector.Source;
import dev.riffle.api.connectors.CollectionSource;
import dev.riffle.api.connectors.GeneratorSource;
import dev.riffle.api.connectors.TextFileSource;
import dev.riffle.api.graph.SinkTransformation;
import dev.riffle.api.graph.SourceTransformation;
import dev.riffle.api.graph.Transformation;
import dev.riffle.api.spi.JobExecutor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.LongFunction;

/**
 * Where a job is defined and executed: create sources here, transform the streams they return,
 * end every stream in a sink, then {@link #execute(String)}. An environment runs one job: after
 * execute, it and its streams refuse further use.
 * <p>
 * Not thread-safe: define a job on one thread. The job itself runs on its own threads.
 */
public final class StreamEnvironment
{
    private final RiffleConfig config;
    private final List<Transformation<?>> transformations = new ArrayList<>();
    private boolean executed;

    private StreamEnvironment(final RiffleConfig config)
    {
        this.config = Objects.requireNonNull(config, "config").conclude();
    }

    /**
     * @return an environment with default settings.
     */
    public static StreamEnvironment create()
    {
        return new StreamEnvironment(new RiffleConfig());
    }

    /**
     * @param config settings; validated now ({@link RiffleConfig#conclude()}).
     * @return an environment with these settings.
     * @throws IllegalArgumentException naming a bad setting.
     */
    public static StreamEnvironment create(final RiffleConfig config)
    {
        return new StreamEnvironment(config);
    }

    /**
     * @return the environment's configuration.
     */
    public RiffleConfig config()
    {
        return config;
    }

    /**
     * @param elements records to emit in order, none null.
     * @param <T>      record type.
     * @return a stream of the elements (parallelism 1).
     */
    @SafeVarargs
    public final <T> DataStream<T> fromElements(final T... elements)
    {
        return fromCollection(Arrays.asList(elements));
    }

    /**
     * @param collection records to emit in iteration order, none null; copied now.
     * @param <T>        record type.
     * @return a stream of the records (parallelism 1).
     */
    public <T> DataStream<T> fromCollection(final Collection<T> collection)
    {
        return fromSource(new CollectionSource<>(collection), "Collection Source");
    }

    /**
     * Reads a UTF-8 text file line by line, streaming (files larger than memory work). Line
     * terminators ({@code \n}, {@code \r\n}) are removed.
     *
     * With parallelism p, instance i reads the lines that start in the i-th of p equal byte ranges,
     * so a large file is split over several threads; per-line order holds within an instance only.
     *
     * @param path the file.
     * @return a stream of lines, at the environment's default parallelism unless set.
     * @throws IllegalArgumentException if the file does not exist or is a directory.
     */
    public DataStream<String> readTextFile(final Path path)
    {
        return fromSource(new TextFileSource(path), "Text File Source: " + path.getFileName());
    }

    /**
     * @param path the file.
     * @return a stream of lines.
     * @see #readTextFile(Path)
     */
    public DataStream<String> readTextFile(final String path)
    {
        return readTextFile(Path.of(path));
    }

    /**
     * A deterministic source of {@code count} records, record i being {@code generator.apply(i)}.
     * Parallel: instance s of p emits the indices i with {@code i % p == s}.
     *
     * @param count     number of records, >= 0.
     * @param generator function of the index; must be stateless.
     * @param <T>       record type.
     * @return the stream.
     */
    public <T> DataStream<T> generate(final long count, final LongFunction<T> generator)
    {
        return generate(count, generator, 0);
    }

    /**
     * As {@link #generate(long, LongFunction)}, emitting at most {@code recordsPerSecond} in total.
     *
     * @param count            number of records, >= 0.
     * @param generator        function of the index; must be stateless.
     * @param recordsPerSecond target rate over all instances; 0 for as fast as possible.
     * @param <T>              record type.
     * @return the stream.
     */
    public <T> DataStream<T> generate(final long count, final LongFunction<T> generator, final double recordsPerSecond)
    {
        return fromSource(new GeneratorSource<>(count, generator, recordsPerSecond), "Generator Source");
    }

    /**
     * @param source any source, for example an {@link dev.riffle.api.connectors.Ingress}.
     * @param name   operator name.
     * @param <T>    record type.
     * @return a stream of what the source reads; parallelism 1 unless set and supported.
     */
    public <T> DataStream<T> fromSource(final Source<T> source, final String name)
    {
        checkNotExecuted();
        Objects.requireNonNull(source, "source");
        final SourceTransformation<T> node = new SourceTransformation<>(nextId(), name, source);
        if (source.maxParallelism() == 1)
        {
            node.parallelism(1);
        }
        return new DataStream<>(this, add(node));
    }

    /**
     * Takes a checkpoint every {@code interval}, as the seed's {@code env.enableCheckpointing(1000)}.
     * Further settings (mode, directory, retention, restart strategy) are in
     * {@link RiffleConfig#checkpointing()}.
     *
     * @param intervalMillis time between checkpoints in milliseconds, at least 1.
     * @return this.
     * @throws IllegalArgumentException if the interval is below 1 ms.
     */
    public StreamEnvironment enableCheckpointing(final long intervalMillis)
    {
        return enableCheckpointing(java.time.Duration.ofMillis(intervalMillis));
    }

    /**
     * @param interval time between checkpoints, at least 1 ms.
     * @return this.
     * @throws IllegalArgumentException if the interval is below 1 ms.
     * @see #enableCheckpointing(long)
     */
    public StreamEnvironment enableCheckpointing(final java.time.Duration interval)
    {
        checkNotExecuted();
        Objects.requireNonNull(interval, "checkpoint interval");
        if (interval.toMillis() < 1)
        {
            throw new IllegalArgumentException("checkpoint interval must be at least 1 ms: " + interval);
        }
        config.checkpointing().interval(interval);
        return this;
    }

    /**
     * @return the checkpoint settings of this environment's configuration.
     */
    public dev.riffle.api.checkpoint.CheckpointConfig getCheckpointConfig()
    {
        return config.checkpointing();
    }

    /**
     * Builds, validates and runs the job, blocking until it ends.
     *
     * @param jobName job name, used in thread names and errors.
     * @throws JobExecutionException if the job fails or is cancelled.
     * @throws InterruptedException  if the calling thread is interrupted while waiting; the job is
     *                               then cancelled and its threads stopped before this returns.
     */
    public void execute(final String jobName) throws JobExecutionException, InterruptedException
    {
        final JobHandle handle = executeAsync(jobName);
        try
        {
            handle.await();
        }
        catch (final InterruptedException ex)
        {
            handle.cancel();
            try
            {
                handle.await();
            }
            catch (final JobExecutionException ignore)
            {
                // cancelled as asked: the interrupt is what the caller sees
            }
            throw ex;
        }
    }

    /**
     * Builds, validates and starts the job, returning once its threads run.
     *
     * @param jobName job name.
     * @return a handle to wait for, inspect or cancel the job.
     * @throws IllegalStateException    if this environment already executed a job, or a stream is
     *                                  never consumed, or there is no sink.
     * @throws IllegalArgumentException if a parallelism setting is invalid.
     */
    public JobHandle executeAsync(final String jobName)
    {
        Objects.requireNonNull(jobName, "job name");
        checkNotExecuted();
        validate();
        executed = true;
        final JobExecutor executor = ServiceLoader.load(JobExecutor.class, StreamEnvironment.class.getClassLoader())
            .findFirst()
            .orElseThrow(() -> new IllegalStateException(
                "no Riffle runtime found: riffle-engine must be on the class path"));
        return executor.start(jobName, config, List.copyOf(transformations));
    }

    int nextId()
    {
        return transformations.size();
    }

    <T extends Transformation<?>> T add(final T transformation)
    {
        transformations.add(transformation);
        return transformation;
    }

    void checkNotExecuted()
    {
        if (executed)
        {
            throw new IllegalStateException(
                "this environment has already executed its job; define a new job on a new StreamEnvironment");
        }
    }

    private void validate()
    {
        final Map<Transformation<?>, Integer> consumers = new IdentityHashMap<>();
        boolean hasSink = false;
        for (final Transformation<?> t : transformations)
        {
            consumers.putIfAbsent(t, 0);
            for (final Transformation<?> input : t.inputs())
            {
                consumers.merge(input, 1, Integer::sum);
            }
            hasSink |= t instanceof SinkTransformation;
            final int parallelism = t.parallelism();
            if (parallelism != Transformation.DEFAULT_PARALLELISM && parallelism > config.maxParallelism())
            {
                throw new IllegalArgumentException("parallelism " + parallelism + " of '" + t.name() +
                    "' exceeds maxParallelism " + config.maxParallelism());
            }
            if (t instanceof SourceTransformation<?> source && parallelism > source.source().maxParallelism())
            {
                throw new IllegalArgumentException("source '" + t.name() + "' supports parallelism up to " +
                    source.source().maxParallelism() + ", not " + parallelism);
            }
        }
        if (!hasSink)
        {
            throw new IllegalStateException("the job has no sink: end every stream with sinkTo(...)");
        }
        for (final Map.Entry<Transformation<?>, Integer> e : consumers.entrySet())
        {
            if (e.getValue() == 0 && !(e.getKey() instanceof SinkTransformation))
            {
                throw new IllegalStateException("the stream of '" + e.getKey().name() +
                    "' is never consumed: send it to a sink or remove it");
            }
        }
    }
}
