package dev.riffle.runtime.operators;

import dev.riffle.api.functions.RuntimeContext;
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
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.StateRegistry;

import java.util.Objects;

/**
 * The {@link RuntimeContext} of one operator instance. Keyed state comes from the instance's
 * {@link KeyedStateBackend}; a descriptor registered twice returns the same handle, or fails if the
 * kind or type differ. Confined to the task thread.
 */
public final class StreamRuntimeContext implements RuntimeContext
{
    private final OperatorIdentity identity;
    private final KeyedStateBackend backend;
    private final StateRegistry registry;

    /**
     * @param identity which instance this is.
     * @param backend  keyed state of a keyed operator, or null for an operator that is not keyed.
     */
    public StreamRuntimeContext(final OperatorIdentity identity, final KeyedStateBackend backend)
    {
        this.identity = identity;
        this.backend = backend;
        this.registry = new StateRegistry(identity.name());
    }

    @Override
    public String operatorName()
    {
        return identity.name();
    }

    @Override
    public int indexOfThisSubtask()
    {
        return identity.subtask();
    }

    @Override
    public int numberOfParallelSubtasks()
    {
        return identity.parallelism();
    }

    @Override
    public int maxParallelism()
    {
        return identity.maxParallelism();
    }

    @Override
    public <T> ValueState<T> getState(final ValueStateDescriptor<T> descriptor)
    {
        return registry.getOrCreate(descriptor, () -> keyed(descriptor).valueState(descriptor));
    }

    @Override
    public LongValueState getLongState(final LongValueStateDescriptor descriptor)
    {
        return registry.getOrCreate(descriptor, () -> keyed(descriptor).longValueState(descriptor));
    }

    @Override
    public <T> ListState<T> getListState(final ListStateDescriptor<T> descriptor)
    {
        return registry.getOrCreate(descriptor, () -> keyed(descriptor).listState(descriptor));
    }

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(final MapStateDescriptor<UK, UV> descriptor)
    {
        return registry.getOrCreate(descriptor, () -> keyed(descriptor).mapState(descriptor));
    }

    @Override
    public <T> ReducingState<T> getReducingState(final ReducingStateDescriptor<T> descriptor)
    {
        return registry.getOrCreate(descriptor, () -> keyed(descriptor).reducingState(descriptor));
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(
        final AggregatingStateDescriptor<IN, ACC, OUT> descriptor)
    {
        return registry.getOrCreate(descriptor, () -> keyed(descriptor).aggregatingState(descriptor));
    }

    private KeyedStateBackend keyed(final Object descriptor)
    {
        Objects.requireNonNull(descriptor, "state descriptor");
        if (null == backend)
        {
            throw new IllegalStateException("keyed state is only available on a KeyedStream: operator '" +
                identity.name() + "' is not keyed, so it cannot use " + descriptor);
        }
        return backend;
    }
}
