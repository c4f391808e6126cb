package dev.riffle.state.offheap;

import dev.riffle.api.state.ListState;
import dev.riffle.api.state.TypeSerializer;
import dev.riffle.store.KeyedStore;
import dev.riffle.store.ValueView;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A list per key, stored as one value ({@link CollectionCodec}).
 */
final class OffHeapListState<T> implements ListState<T>
{
    private final KeyedStore store;
    private final int stateId;
    private final CurrentKeyBytes key;
    private final TypeSerializer<T> serializer;
    private final CollectionCodec codec;

    OffHeapListState(final KeyedStore store, final int stateId, final CurrentKeyBytes key,
        final TypeSerializer<T> serializer, final CollectionCodec codec)
    {
        this.store = store;
        this.stateId = stateId;
        this.key = key;
        this.serializer = serializer;
        this.codec = codec;
    }

    @Override
    public void add(final T value)
    {
        Objects.requireNonNull(value, "list state element");
        final List<T> list = read();
        list.add(value);
        write(list);
    }

    @Override
    public void addAll(final List<T> values)
    {
        values.forEach(v -> Objects.requireNonNull(v, "list state element"));
        if (values.isEmpty())
        {
            return;
        }
        final List<T> list = read();
        list.addAll(values);
        write(list);
    }

    @Override
    public void update(final List<T> values)
    {
        values.forEach(v -> Objects.requireNonNull(v, "list state element"));
        if (values.isEmpty())
        {
            clear();
            return;
        }
        write(new ArrayList<>(values));
    }

    @Override
    public Iterable<T> get()
    {
        return Collections.unmodifiableList(read());
    }

    @Override
    public void clear()
    {
        store.remove(key.keyGroup(), stateId, key.bytes(), 0, key.length());
    }

    private List<T> read()
    {
        final ValueView view = store.get(key.keyGroup(), stateId, key.bytes(), 0, key.length());
        return null == view ? new ArrayList<>() : codec.decodeList(view.buffer(), view.offset(), serializer);
    }

    private void write(final List<T> list)
    {
        final int length = codec.encodeList(list, serializer);
        store.put(key.keyGroup(), stateId, key.bytes(), 0, key.length(), codec.buffer(), 0, length);
    }
}
