package dev.riffle.state.heap;

import dev.riffle.api.state.ValueState;

final class HeapValueState<T> implements ValueState<T>
{
    private final KeyGroupedMap<T> entries;
    private final T defaultValue;

    HeapValueState(final KeyGroupedMap<T> entries, final T defaultValue)
    {
        this.entries = entries;
        this.defaultValue = defaultValue;
    }

    @Override
    public T value()
    {
        final T value = entries.get();
        return null == value ? defaultValue : value;
    }

    @Override
    public void update(final T value)
    {
        if (null == value)
        {
            entries.remove();
        }
        else
        {
            entries.put(value);
        }
    }

    @Override
    public void clear()
    {
        entries.remove();
    }
}
