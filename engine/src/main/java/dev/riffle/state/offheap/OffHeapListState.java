package dev.riffle.state.offheap;

import dev.riffle.api.state.ListState;
import dev.riffle.api.state.TypeSerializer;
import dev.riffle.store.ValueView;
import org.agrona.ExpandableDirectByteBuffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A list per key with one store entry per element ({@link CollectionKeys}): {@link #add} is an in-place
 * increment of the count and one put whatever the list's length, and a list may hold far more than the store's
 * largest entry. {@link #get} reads the elements one lookup each, in order. Confined to the task thread.
 */
final class OffHeapListState<T> implements ListState<T>
{
    private final CollectionParts parts;
    private final TypeSerializer<T> serializer;

    OffHeapListState(final CollectionParts parts, final TypeSerializer<T> serializer)
    {
        this.parts = parts;
        this.serializer = serializer;
    }

    @Override
    public void add(final T value)
    {
        Objects.requireNonNull(value, "list state element");
        final int length = serializer.length(value);
        parts.checkFits(Integer.BYTES, length);
        parts.putOrdinal(parts.addToCount(1) - 1, encode(value, length));
    }

    @Override
    public void addAll(final List<T> values)
    {
        checkElements(values);
        if (values.isEmpty())
        {
            return;
        }
        int ordinal = parts.addToCount(values.size()) - values.size();
        for (final T value : values)
        {
            parts.putOrdinal(ordinal++, encode(value, serializer.length(value)));
        }
    }

    @Override
    public void update(final List<T> values)
    {
        checkElements(values);
        final int count = parts.count();
        int i = 0;
        for (final T value : values)
        {
            parts.putOrdinal(i++, encode(value, serializer.length(value)));
        }
        for (int stale = i; stale < count; stale++)
        {
            parts.removeOrdinal(stale);
        }
        parts.count(i);
    }

    @Override
    public Iterable<T> get()
    {
        final int count = parts.count();
        final List<T> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final ValueView view = parts.ordinal(i, count);
            list.add(serializer.read(view.buffer(), view.offset(), view.length()));
        }
        return Collections.unmodifiableList(list);
    }

    @Override
    public void clear()
    {
        final int count = parts.count();
        for (int i = 0; i < count; i++)
        {
            parts.removeOrdinal(i);
        }
        parts.count(0);
    }

    /**
     * Refuses a null or oversized element before any is written, so that a refused call changes nothing.
     * An element that passes can fail to be written only by a failure of the store itself, which fails the
     * task; the job's restart then restores its state from a checkpoint.
     */
    private void checkElements(final List<T> values)
    {
        for (final T value : values)
        {
            Objects.requireNonNull(value, "list state element");
            parts.checkFits(Integer.BYTES, serializer.length(value));
        }
    }

    private int encode(final T value, final int length)
    {
        final ExpandableDirectByteBuffer buffer = parts.value();
        buffer.checkLimit(length);
        serializer.write(value, buffer, 0);
        return length;
    }
}
