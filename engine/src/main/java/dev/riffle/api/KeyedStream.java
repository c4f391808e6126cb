package dev.riffle.api;

import dev.riffle.api.functions.AggregateFunction;
import dev.riffle.api.functions.DoubleExtractor;
import dev.riffle.api.functions.FilterFunction;
import dev.riffle.api.functions.FlatMapFunction;
import dev.riffle.api.functions.Function;
import dev.riffle.api.functions.KeySelector;
import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.api.functions.LongExtractor;
import dev.riffle.api.functions.MapFunction;
import dev.riffle.api.functions.ReduceFunction;
import dev.riffle.api.graph.OneInputTransformation;
import dev.riffle.api.graph.OperatorKind;
import dev.riffle.api.graph.PartitionTransformation;
import dev.riffle.api.state.serialization.Serializers;
import dev.riffle.api.state.serialization.UnsupportedTypeException;

import java.util.Objects;

/**
 * A stream partitioned by key. The functions applied to it see keyed state (obtained from their
 * {@link dev.riffle.api.functions.RuntimeContext}) scoped to the key of the current record.
 *
 * @param <K> key type.
 * @param <T> record type.
 */
public final class KeyedStream<K, T>
{
    private final StreamEnvironment environment;
    private final PartitionTransformation<T> partition;
    private final KeySelector<T, K> keySelector;

    KeyedStream(final StreamEnvironment environment, final PartitionTransformation<T> partition,
        final KeySelector<T, K> keySelector)
    {
        this.environment = environment;
        this.partition = partition;
        this.keySelector = keySelector;
    }

    /**
     * @param mapper one output per input, with keyed state if it is a rich function.
     * @param <R>    output type.
     * @return the mapped stream.
     */
    public <R> DataStream<R> map(final MapFunction<T, R> mapper)
    {
        return keyed("Keyed Map", OperatorKind.MAP, mapper);
    }

    /**
     * @param flatMapper any number of outputs per input, with keyed state if it is a rich function.
     * @param <R>        output type.
     * @return the resulting stream.
     */
    public <R> DataStream<R> flatMap(final FlatMapFunction<T, R> flatMapper)
    {
        return keyed("Keyed FlatMap", OperatorKind.FLAT_MAP, flatMapper);
    }

    /**
     * @param filter keeps records for which it returns true.
     * @return the filtered stream.
     */
    public DataStream<T> filter(final FilterFunction<T> filter)
    {
        return keyed("Keyed Filter", OperatorKind.FILTER, filter);
    }

    /**
     * @param function sees each record with its key, timestamp and keyed state.
     * @param <R>      output type.
     * @return the resulting stream.
     */
    public <R> DataStream<R> process(final KeyedProcessFunction<K, T, R> function)
    {
        return keyed("Keyed Process", OperatorKind.KEYED_PROCESS, function);
    }

    /**
     * A rolling reduce: for each record, emits the reduction of all records of its key so far.
     *
     * @param reducer combines the previous result with the new record.
     * @return the stream of running results.
     */
    public DataStream<T> reduce(final ReduceFunction<T> reducer)
    {
        return keyed("Reduce", OperatorKind.REDUCE, reducer);
    }

    /**
     * A rolling reduce whose running value is kept in keyed state with {@code type}'s serializer: a
     * primitive box, String, byte[], an enum or a record of those ({@link Serializers#forType}) is
     * then kept in its compact form off the heap, where {@link #reduce(ReduceFunction)} keeps a
     * Java-serialized object. Declaring or changing the type changes how the state is encoded: a
     * checkpoint or savepoint of the job without it cannot be restored with it, and the other way round.
     *
     * @param reducer combines the previous result with the new record.
     * @param type    the records' type.
     * @return the stream of running results.
     * @throws IllegalArgumentException now, when the job is built, if the type has no built-in serializer.
     */
    public DataStream<T> reduce(final ReduceFunction<T> reducer, final Class<T> type)
    {
        return keyedWithState("Reduce", OperatorKind.REDUCE, reducer, type);
    }

    /**
     * A rolling aggregation: for each record, emits the aggregate of all records of its key so far.
     *
     * @param aggregate the aggregation.
     * @param <ACC>     accumulator type (kept in keyed state).
     * @param <R>       result type.
     * @return the stream of running results.
     */
    public <ACC, R> DataStream<R> aggregate(final AggregateFunction<T, ACC, R> aggregate)
    {
        return keyed("Aggregate", OperatorKind.AGGREGATE, aggregate);
    }

    /**
     * A rolling aggregation whose accumulator is kept in keyed state with {@code accumulatorType}'s
     * serializer, as {@link #reduce(ReduceFunction, Class)} keeps its running value.
     *
     * @param aggregate       the aggregation.
     * @param accumulatorType the accumulator's type.
     * @param <ACC>           accumulator type.
     * @param <R>             result type.
     * @return the stream of running results.
     * @throws IllegalArgumentException now, when the job is built, if the type has no built-in serializer.
     */
    public <ACC, R> DataStream<R> aggregate(final AggregateFunction<T, ACC, R> aggregate,
        final Class<ACC> accumulatorType)
    {
        return keyedWithState("Aggregate", OperatorKind.AGGREGATE, aggregate, accumulatorType);
    }

    /**
     * @param field the long to add up.
     * @return for each record, its key with the running sum of the field over the key's records.
     */
    public DataStream<KeyedValue<K, Long>> sum(final LongExtractor<? super T> field)
    {
        Objects.requireNonNull(field, "field of sum");
        return keyed("Sum", OperatorKind.KEYED_PROCESS, new RunningLongSum<K, T>(field));
    }

    /**
     * @param field the double to add up.
     * @return for each record, its key with the running sum of the field over the key's records.
     */
    public DataStream<KeyedValue<K, Double>> sumDouble(final DoubleExtractor<? super T> field)
    {
        Objects.requireNonNull(field, "field of sumDouble");
        return keyed("Sum", OperatorKind.KEYED_PROCESS, new RunningDoubleSum<K, T>(field));
    }

    /**
     * @return for each record, its key with the number of records of that key so far.
     */
    public DataStream<KeyedValue<K, Long>> count()
    {
        return keyed("Count", OperatorKind.KEYED_PROCESS, new RunningLongSum<K, T>(value -> 1L));
    }

    private <R> DataStream<R> keyedWithState(final String name, final OperatorKind kind, final Function function,
        final Class<?> stateType)
    {
        checkKeyedFunction(name, function);
        Objects.requireNonNull(stateType, () -> name + " state type is null");
        try
        {
            Serializers.forType(stateType);
        }
        catch (final UnsupportedTypeException ex)
        {
            throw new IllegalArgumentException(name + " after keyBy keeps a " + stateType.getName() +
                " in keyed state, which has no built-in serializer: " + ex.getMessage() +
                "; leave the type out to keep it as a Java-serialized object", ex);
        }
        return add(OneInputTransformation.<T, R>withStateType(environment.nextId(), name, partition, kind, function,
            keySelector, stateType));
    }

    private <R> DataStream<R> keyed(final String name, final OperatorKind kind, final Function function)
    {
        checkKeyedFunction(name, function);
        return add(new OneInputTransformation<>(environment.nextId(), name, partition, kind, function, keySelector));
    }

    private void checkKeyedFunction(final String name, final Function function)
    {
        environment.checkNotExecuted();
        Objects.requireNonNull(function, () -> name + " function after keyBy is null");
    }

    private <R> DataStream<R> add(final OneInputTransformation<T, R> node)
    {
        return new DataStream<>(environment, environment.add(node));
    }
}
