package dev.riffle.state.offheap;

import dev.riffle.api.functions.ReduceFunction;
import dev.riffle.api.state.ReducingState;
import dev.riffle.state.Exceptions;

import java.util.Objects;

/**
 * The reduction of the values added for a key, kept as one value.
 */
final class OffHeapReducingState<T> implements ReducingState<T>
{
    private final OffHeapValueState<T> value;
    private final ReduceFunction<T> reduceFunction;

    OffHeapReducingState(final OffHeapValueState<T> value, final ReduceFunction<T> reduceFunction)
    {
        this.value = value;
        this.reduceFunction = reduceFunction;
    }

    @Override
    public T get()
    {
        return value.value();
    }

    @Override
    public void add(final T element)
    {
        Objects.requireNonNull(element, "reducing state value");
        final T current = value.value();
        try
        {
            value.update(null == current ? element : reduceFunction.reduce(current, element));
        }
        catch (final Exception ex)
        {
            throw Exceptions.rethrow(ex);
        }
    }

    @Override
    public void clear()
    {
        value.clear();
    }
}
