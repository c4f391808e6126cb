package dev.riffle.state.heap;

import dev.riffle.api.functions.ReduceFunction;
import dev.riffle.api.state.ReducingState;
import dev.riffle.state.Exceptions;

import java.util.Objects;

final class HeapReducingState<T> implements ReducingState<T>
{
    private final KeyGroupedMap<T> entries;
    private final ReduceFunction<T> reduceFunction;

    HeapReducingState(final KeyGroupedMap<T> entries, final ReduceFunction<T> reduceFunction)
    {
        this.entries = entries;
        this.reduceFunction = reduceFunction;
    }

    @Override
    public T get()
    {
        return entries.get();
    }

    @Override
    public void add(final T value)
    {
        Objects.requireNonNull(value, "reducing state value");
        final T current = entries.get();
        try
        {
            entries.put(null == current ? value : reduceFunction.reduce(current, value));
        }
        catch (final Exception ex)
        {
            throw Exceptions.rethrow(ex);
        }
    }

    @Override
    public void clear()
    {
        entries.remove();
    }
}
