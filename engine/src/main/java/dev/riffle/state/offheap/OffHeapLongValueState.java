package dev.riffle.state.offheap;

import dev.riffle.api.state.LongValueState;
import dev.riffle.store.KeyedStore;

/**
 * A {@link LongValueState} in a {@link KeyedStore}: the serialized current key → an 8-byte value,
 * through the store's long fast path, so nothing is boxed or serialized and {@link #add} updates the
 * value in place. One lookup per operation, except {@link #add} with a non-zero default on a key that
 * has no value yet (the store's in-place add starts from 0, so presence is checked first). The
 * default is never stored: a job restored with another default sees its stored values unchanged.
 * Confined to the task thread.
 */
final class OffHeapLongValueState implements LongValueState
{
    private final KeyedStore store;
    private final int stateId;
    private final CurrentKeyBytes key;
    private final long defaultValue;

    OffHeapLongValueState(final KeyedStore store, final int stateId, final CurrentKeyBytes key, final long defaultValue)
    {
        this.store = store;
        this.stateId = stateId;
        this.key = key;
        this.defaultValue = defaultValue;
    }

    @Override
    public long value()
    {
        return store.getLong(key.keyGroup(), stateId, key.bytes(), 0, key.length(), defaultValue);
    }

    @Override
    public void update(final long value)
    {
        store.putLong(key.keyGroup(), stateId, key.bytes(), 0, key.length(), value);
    }

    @Override
    public long add(final long delta)
    {
        if (0 != defaultValue && null == store.get(key.keyGroup(), stateId, key.bytes(), 0, key.length()))
        {
            final long value = defaultValue + delta;
            update(value);
            return value;
        }
        return store.addLong(key.keyGroup(), stateId, key.bytes(), 0, key.length(), delta);
    }

    @Override
    public void clear()
    {
        store.remove(key.keyGroup(), stateId, key.bytes(), 0, key.length());
    }
}
