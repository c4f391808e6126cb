package dev.riffle.state.heap;

import dev.riffle.api.state.ListState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

final class HeapListState<T> implements ListState<T>
{
    private final KeyGroupedMap<ArrayList<T>> entries;

    HeapListState(final KeyGroupedMap<ArrayList<T>> entries)
    {
        this.entries = entries;
    }

    @Override
    public void add(final T value)
    {
        Objects.requireNonNull(value, "list state element");
        list().add(value);
    }

    @Override
    public void addAll(final List<T> values)
    {
        for (final T value : values)
        {
            Objects.requireNonNull(value, "list state element");
        }
        if (!values.isEmpty())
        {
            list().addAll(values);
        }
    }

    @Override
    public void update(final List<T> values)
    {
        entries.remove();
        addAll(values);
    }

    @Override
    public Iterable<T> get()
    {
        final ArrayList<T> list = entries.get();
        return null == list ? List.of() : Collections.unmodifiableList(list);
    }

    @Override
    public void clear()
    {
        entries.remove();
    }

    private ArrayList<T> list()
    {
        ArrayList<T> list = entries.get();
        if (null == list)
        {
            list = new ArrayList<>();
            entries.put(list);
        }
        return list;
    }
}
