package dev.riffle.state.heap;

import dev.riffle.api.state.LongValueState;

/**
 * A {@link LongValueState} on the heap: values are {@code Long} objects in the key group's map, so
 * reads unbox and updates box (the heap backend's snapshot format is a map of objects); the off-heap
 * backends keep the {@code long} itself.
 */
final class HeapLongValueState implements LongValueState
{
    private final KeyGroupedMap<Long> entries;
    private final long defaultValue;

    HeapLongValueState(final KeyGroupedMap<Long> entries, final long defaultValue)
    {
        this.entries = entries;
        this.defaultValue = defaultValue;
    }

    @Override
    public long value()
    {
        final Long value = entries.get();
        return null == value ? defaultValue : value;
    }

    @Override
    public void update(final long value)
    {
        entries.put(value);
    }

    @Override
    public long add(final long delta)
    {
        final long value = value() + delta;
        entries.put(value);
        return value;
    }

    @Override
    public void clear()
    {
        entries.remove();
    }
}
