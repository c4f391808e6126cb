package dev.riffle.api;

import dev.riffle.api.connector.Sink;
import dev.riffle.api.connectors.PrintSink;
import dev.riffle.api.functions.FilterFunction;
import dev.riffle.api.functions.FlatMapFunction;
import dev.riffle.api.functions.Function;
import dev.riffle.api.functions.KeySelector;
import dev.riffle.api.functions.MapFunction;
import dev.riffle.api.functions.ProcessFunction;
import dev.riffle.api.graph.OneInputTransformation;
import dev.riffle.api.graph.OperatorKind;
import dev.riffle.api.graph.PartitionTransformation;
import dev.riffle.api.graph.SinkTransformation;
import dev.riffle.api.graph.SourceTransformation;
import dev.riffle.api.graph.Transformation;
import dev.riffle.api.graph.UnionTransformation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A stream of records of type {@code T}. Transformations return new streams; nothing runs until the
 * environment executes the job. Operators connected one-to-one with equal parallelism run chained in
 * one task (no channel between them); otherwise records cross a bounded ring between task threads.
 * <p>
 * Not thread-safe; build a job on one thread. Every method fails fast: null functions, a bad
 * parallelism or use after execute throw at once.
 *
 * @param <T> record type.
 */
public class DataStream<T>
{
    final StreamEnvironment environment;
    final Transformation<T> transformation;

    DataStream(final StreamEnvironment environment, final Transformation<T> transformation)
    {
        this.environment = environment;
        this.transformation = transformation;
    }

    /**
     * @param mapper one output per input.
     * @param <R>    output type.
     * @return the mapped stream.
     */
    public <R> DataStream<R> map(final MapFunction<T, R> mapper)
    {
        return oneInput("Map", OperatorKind.MAP, mapper);
    }

    /**
     * @param flatMapper any number of outputs per input.
     * @param <R>        output type.
     * @return the resulting stream.
     */
    public <R> DataStream<R> flatMap(final FlatMapFunction<T, R> flatMapper)
    {
        return oneInput("FlatMap", OperatorKind.FLAT_MAP, flatMapper);
    }

    /**
     * @param filter keeps records for which it returns true.
     * @return the filtered stream.
     */
    public DataStream<T> filter(final FilterFunction<T> filter)
    {
        return oneInput("Filter", OperatorKind.FILTER, filter);
    }

    /**
     * @param function sees every record with its timestamp.
     * @param <R>      output type.
     * @return the resulting stream.
     */
    public <R> DataStream<R> process(final ProcessFunction<T, R> function)
    {
        return oneInput("Process", OperatorKind.PROCESS, function);
    }

    /**
     * Partitions the stream by key: all records with equal keys go to the same parallel instance of
     * the next operator, which can keep keyed state. The instance is chosen by key group as in Flink:
     * {@code keyGroup = murmur(key.hashCode()) % maxParallelism},
     * {@code instance = keyGroup * parallelism / maxParallelism}.
     *
     * @param keySelector extracts the key; deterministic, never returning null.
     * @param <K>         key type.
     * @return the keyed stream.
     */
    public <K> KeyedStream<K, T> keyBy(final KeySelector<T, K> keySelector)
    {
        return keyBy(keySelector, Object.class);
    }

    /**
     * Partitions the stream by key as {@link #keyBy(KeySelector)} does, with the class of every key
     * declared, as Flink's {@code keyBy} with a type: a key of another class then fails the record's
     * processing with a message naming both, and a state backend may keep state in a form made for
     * that type: with {@code Long} keys the off-heap backend keeps every state whose values are 8 bytes
     * ({@code LongValueState}; value, reducing and aggregating states of {@code Long} or {@code Double})
     * in its long tables, half the memory of byte-keyed entries (docs/state.md).
     *
     * @param keySelector extracts the key; deterministic, never returning null.
     * @param keyType     the class of every key the selector returns (a box for a primitive key).
     * @param <K>         key type.
     * @return the keyed stream.
     */
    public <K> KeyedStream<K, T> keyBy(final KeySelector<T, K> keySelector, final Class<? super K> keyType)
    {
        environment.checkNotExecuted();
        Objects.requireNonNull(keySelector, "key selector of keyBy after '" + transformation.name() + "'");
        Objects.requireNonNull(keyType, "key type of keyBy after '" + transformation.name() + "'");
        if (keyType.isPrimitive())
        {
            throw new IllegalArgumentException("key type of keyBy after '" + transformation.name() + "' is " +
                keyType + ": keys are objects, declare its box");
        }
        final PartitionTransformation<T> partition = environment.add(
            new PartitionTransformation<>(environment.nextId(), transformation, keySelector, keyType));
        return new KeyedStream<>(environment, partition, keySelector);
    }

    /**
     * @param others streams of the same type to merge with this one; not empty, not this stream.
     * @return one stream with the records of all; order is kept within each input only.
     */
    @SafeVarargs
    public final DataStream<T> union(final DataStream<T>... others)
    {
        environment.checkNotExecuted();
        if (others.length == 0)
        {
            throw new IllegalArgumentException("union needs at least one other stream");
        }
        final List<Transformation<?>> inputs = new ArrayList<>();
        inputs.add(transformation);
        for (final DataStream<T> other : others)
        {
            Objects.requireNonNull(other, "stream in union");
            if (other.environment != environment)
            {
                throw new IllegalArgumentException("cannot union streams of different environments");
            }
            if (inputs.contains(other.transformation))
            {
                throw new IllegalArgumentException("a stream cannot be unioned with itself: " + other.name());
            }
            inputs.add(other.transformation);
        }
        final UnionTransformation<T> union = environment.add(new UnionTransformation<>(environment.nextId(), inputs));
        return new DataStream<>(environment, union);
    }

    /**
     * @param sink where the records go.
     * @return the sink, to name it or set its parallelism.
     */
    public DataStreamSink<T> sinkTo(final Sink<T> sink)
    {
        environment.checkNotExecuted();
        Objects.requireNonNull(sink, "sink after '" + transformation.name() + "'");
        final SinkTransformation<T> node = environment.add(
            new SinkTransformation<>(environment.nextId(), "Sink: " + sink.getClass().getSimpleName(), transformation, sink));
        return new DataStreamSink<>(environment, node);
    }

    /**
     * Prints every record's {@code toString()} to standard output, prefixed with the 1-based instance
     * number ({@code "2> "}, as Flink) when the sink runs with parallelism above one.
     *
     * @return the sink.
     */
    public DataStreamSink<T> print()
    {
        return sinkTo(new PrintSink<>()).name("Print");
    }

    /**
     * @param name operator name, shown in metrics and errors.
     * @return this.
     */
    public DataStream<T> name(final String name)
    {
        environment.checkNotExecuted();
        transformation.name(name);
        return this;
    }

    /**
     * @return the operator name.
     */
    public String name()
    {
        return transformation.name();
    }

    /**
     * @param parallelism number of parallel instances, 1 to maxParallelism.
     * @return this.
     * @throws IllegalArgumentException if out of range, or above what a source supports.
     */
    public DataStream<T> setParallelism(final int parallelism)
    {
        environment.checkNotExecuted();
        checkParallelism(environment, transformation.name(), parallelism);
        if (transformation instanceof UnionTransformation || transformation instanceof PartitionTransformation)
        {
            throw new IllegalStateException("a union or keyBy has no parallelism of its own; set it on the next operator");
        }
        if (transformation instanceof SourceTransformation<?> source && parallelism > source.source().maxParallelism())
        {
            throw new IllegalArgumentException("source '" + transformation.name() + "' supports parallelism up to " +
                source.source().maxParallelism() + ", not " + parallelism);
        }
        transformation.parallelism(parallelism);
        return this;
    }

    /**
     * @return the parallelism set on this operator, or the environment default.
     */
    public int getParallelism()
    {
        final int p = transformation.parallelism();
        return p == Transformation.DEFAULT_PARALLELISM ? environment.config().defaultParallelism() : p;
    }

    static void checkParallelism(final StreamEnvironment environment, final String name, final int parallelism)
    {
        final int max = environment.config().maxParallelism();
        if (parallelism < 1 || parallelism > max)
        {
            throw new IllegalArgumentException(
                "parallelism of '" + name + "' must be in [1, maxParallelism=" + max + "]: " + parallelism);
        }
    }

    <R> DataStream<R> oneInput(final String name, final OperatorKind kind, final Function function)
    {
        environment.checkNotExecuted();
        Objects.requireNonNull(function, () -> name + " function after '" + transformation.name() + "' is null");
        final OneInputTransformation<T, R> node = environment.add(
            new OneInputTransformation<>(environment.nextId(), name, transformation, kind, function, null));
        return new DataStream<>(environment, node);
    }
}
