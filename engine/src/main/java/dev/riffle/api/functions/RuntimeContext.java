package dev.riffle.api.functions;

import dev.riffle.api.state.AggregatingState;
import dev.riffle.api.state.AggregatingStateDescriptor;
import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.LongValueState;
import dev.riffle.api.state.LongValueStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.api.state.ReducingState;
import dev.riffle.api.state.ReducingStateDescriptor;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;

/**
 * What a rich function knows about the parallel instance it runs in, and where it gets keyed state.
 * State handles are obtained once (in {@code open}) and are then scoped automatically to the key of
 * the record being processed. Only the owning task thread may use the context and its handles.
 * <p>
 * Registering the same state name twice with a different descriptor type or value type throws
 * {@link IllegalStateException} naming the state. Asking for keyed state in a function that does
 * not run on a {@code KeyedStream} throws {@link IllegalStateException}.
 */
public interface RuntimeContext
{
    /**
     * @return the name of the operator this function belongs to.
     */
    String operatorName();

    /**
     * @return index of this parallel instance, 0-based.
     */
    int indexOfThisSubtask();

    /**
     * @return the number of parallel instances of this operator.
     */
    int numberOfParallelSubtasks();

    /**
     * @return the job's maximum parallelism (number of key groups).
     */
    int maxParallelism();

    /**
     * @param descriptor name, type and default of the state.
     * @param <T>        value type.
     * @return a handle scoped to the current key.
     */
    <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor);

    /**
     * @param descriptor name and default of the state.
     * @return a handle scoped to the current key: a {@code long} per key, without boxing.
     */
    LongValueState getLongState(LongValueStateDescriptor descriptor);

    /**
     * @param descriptor name and element type of the state.
     * @param <T>        element type.
     * @return a handle scoped to the current key.
     */
    <T> ListState<T> getListState(ListStateDescriptor<T> descriptor);

    /**
     * @param descriptor name, key and value types of the state.
     * @param <UK>       user key type.
     * @param <UV>       user value type.
     * @return a handle scoped to the current key.
     */
    <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor);

    /**
     * @param descriptor name, type and reduce function of the state.
     * @param <T>        value type.
     * @return a handle scoped to the current key.
     */
    <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> descriptor);

    /**
     * @param descriptor name, accumulator type and aggregate function of the state.
     * @param <IN>       input type.
     * @param <ACC>      accumulator type.
     * @param <OUT>      result type.
     * @return a handle scoped to the current key.
     */
    <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(AggregatingStateDescriptor<IN, ACC, OUT> descriptor);
}
