package dev.riffle.state;

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
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
     * @return the handle; the same handle for the same name.
     * @throws IllegalStateException if the name is registered with another kind or type.
     */
    LongValueState longValueState(LongValueStateDescriptor descriptor);

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
    /**
     * Synchronous phase of a checkpoint, on the task thread at the barrier: captures the state as it
     * is now. The task goes on processing as soon as this returns.
     *
     * @param checkpointId the checkpoint.
     * @return the asynchronous part, to run on a snapshot thread.
     */
    KeyedStateSnapshot snapshot(long checkpointId);

    /**
     * Loads the state of the key groups in this backend's range from handles of a checkpoint, which
     * may have been taken at another parallelism. Called once, before any state is used.
     *
     * @param checkpointDirectory directory the handles' files are relative to.
     * @param handles             keyed state of every instance of the operator in that checkpoint.
     * @throws IOException on a read failure or a format this backend cannot read.
     */
    void restore(Path checkpointDirectory, List<KeyedStateHandle> handles) throws IOException;

    @Override
    void close();
}
