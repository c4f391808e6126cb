package dev.riffle.state.offheap;

import dev.riffle.api.state.ValueState;
import dev.riffle.store.KeyedStore;
import dev.riffle.store.ValueView;

/**
 * A value per key in the off-heap store: one entry (key bytes → value bytes) of this state.
 */
final class OffHeapValueState<T> implements ValueState<T>
{
    private final KeyedStore store;
    private final int stateId;
    private final CurrentKeyBytes key;
    private final StateCodec<T> codec;
    private final T defaultValue;

    OffHeapValueState(
        final KeyedStore store, final int stateId, final CurrentKeyBytes key, final StateCodec<T> codec,
        final T defaultValue)
    {
        this.store = store;
        this.stateId = stateId;
        this.key = key;
        this.codec = codec;
        this.defaultValue = defaultValue;
    }

    @Override
    public T value()
    {
        final ValueView view = store.get(key.keyGroup(), stateId, key.bytes(), 0, key.length());
        return null == view ? defaultValue : codec.decode(view.buffer(), view.offset(), view.length());
    }

    @Override
    public void update(final T value)
    {
        if (null == value)
        {
            clear();
            return;
        }
        final int length = codec.encode(value);
        store.put(key.keyGroup(), stateId, key.bytes(), 0, key.length(), codec.buffer(), 0, length);
    }

    @Override
    public void clear()
    {
        store.remove(key.keyGroup(), stateId, key.bytes(), 0, key.length());
    }
}
