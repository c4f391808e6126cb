package dev.riffle.state.offheap;

import dev.riffle.api.state.LongValueState;
import dev.riffle.store.KeyedStore;

/**
 * A {@link LongValueState} in a {@link KeyedStore}: the serialized current key → an 8-byte value,
 * through the store's long fast path, so nothing is boxed or serialized and {@link #add} updates the
 * value in place. One lookup per operation, except {@link #add} with a non-zero default on a key that
 * has no value yet (the store's in-place add starts from 0, so presence is checked first). The
 * default is never stored: a job restored with another default sees its stored values unchanged.
 * <p>
 * A key that serialises to 8 bytes (a {@code long}, a {@code double}, ...) takes the store's long-key
 * path — its bytes read as one native-order {@code long}, which the store's contract makes the same
 * entry as the bytes themselves — so a {@code Long}-keyed counter costs what a primitive map's
 * increment does: no byte-wise hash, no byte compare. Confined to the task thread.
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
        final int length = key.length();
        return Long.BYTES == length ?
            store.getLong(key.keyGroup(), stateId, key.bytes().getLong(0), defaultValue) :
            store.getLong(key.keyGroup(), stateId, key.bytes(), 0, length, defaultValue);
    }

    @Override
    public void update(final long value)
    {
        final int length = key.length();
        if (Long.BYTES == length)
        {
            store.putLong(key.keyGroup(), stateId, key.bytes().getLong(0), value);
        }
        else
        {
            store.putLong(key.keyGroup(), stateId, key.bytes(), 0, length, value);
        }
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
        final int length = key.length();
        return Long.BYTES == length ?
            store.addLong(key.keyGroup(), stateId, key.bytes().getLong(0), delta) :
            store.addLong(key.keyGroup(), stateId, key.bytes(), 0, length, delta);
    }

    @Override
    public void clear()
    {
        store.remove(key.keyGroup(), stateId, key.bytes(), 0, key.length());
    }
}
