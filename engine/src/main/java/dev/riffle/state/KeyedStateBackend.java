package dev.riffle.state;

import dev.riffle.api.state.AggregatingState;
import dev.riffle.api.state.AggregatingStateDescriptor;
import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.api.state.ReducingState;
import dev.riffle.api.state.ReducingStateDescriptor;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;

/**
 * The keyed state of one operator instance. Owned by one task thread: every method, and every
 * method of the state handles it returns, is called by that thread only, so implementations need
 * no synchronisation on the hot path. Handles read and write the state of the current key, set by
 * the operator before each record with {@link #setCurrentKey(Object, int)}.
 */
public interface KeyedStateBackend extends AutoCloseable
{
    /**
     * @param key      the key of the record about to be processed, not null.
     * @param keyGroup its key group, which must be in this backend's range.
     */
    void setCurrentKey(Object key, int keyGroup);

    /**
     * @return the current key, or null before the first record.
     */
    Object currentKey();

    /**
     * @param descriptor the state.
     * @param <T>        value type.
     * @return the handle; the same handle for the same name.
     * @throws IllegalStateException if the name is registered with another kind or type.
     */
    <T> ValueState<T> valueState(ValueStateDescriptor<T> descriptor);

    /**
     * @param descriptor the state.
     * @param <T>        element type.
     * @return the handle.
     * @throws IllegalStateException if the name is registered with another kind or type.
     */
    <T> ListState<T> listState(ListStateDescriptor<T> descriptor);

    /**
     * @param descriptor the state.
     * @param <UK>       user key type.
     * @param <UV>       user value type.
     * @return the handle.
     * @throws IllegalStateException if the name is registered with another kind or type.
     */
    <UK, UV> MapState<UK, UV> mapState(MapStateDescriptor<UK, UV> descriptor);

    /**
     * @param descriptor the state.
     * @param <T>        value type.
     * @return the handle.
     * @throws IllegalStateException if the name is registered with another kind or type.
     */
    <T> ReducingState<T> reducingState(ReducingStateDescriptor<T> descriptor);

    /**
     * @param descriptor the state.
     * @param <IN>       input type.
     * @param <ACC>      accumulator type.
     * @param <OUT>      result type.
     * @return the handle.
     * @throws IllegalStateException if the name is registered with another kind or type.
     */
    <IN, ACC, OUT> AggregatingState<IN, OUT> aggregatingState(AggregatingStateDescriptor<IN, ACC, OUT> descriptor);

    /**
     * Releases the instance's state.
     */
    @Override
    void close();
}
