package dev.riffle.state.offheap;

import dev.riffle.store.KeyedStore;
import dev.riffle.store.ValueView;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * The store operations of one list or map state on the parts of the current key's collection
 * ({@link CollectionKeys}): its count and its ordinal-addressed parts, and the generic get, put and
 * remove of a part whose key was just built in {@link #keys()}, with a value built in {@link #value()}.
 * <p>
 * A {@link ValueView} returned here is the store's reused flyweight: valid until the next call into
 * the store, so callers copy or decode it before the next part is touched. Confined to the task thread.
 */
final class CollectionParts
{
    private final KeyedStore store;
    private final int stateId;
    private final String description;
    private final CurrentKeyBytes currentKey;
    private final CollectionKeys keys;
    private final ExpandableDirectByteBuffer value;

    /**
     * @param description the state, for error messages ("list state 'events'").
     * @param keys        builds part keys from {@code currentKey}; may be shared by the states of a backend.
     * @param value       scratch for values; may be shared by the states of a backend.
     */
    CollectionParts(final KeyedStore store, final int stateId, final String description,
        final CurrentKeyBytes currentKey, final CollectionKeys keys, final ExpandableDirectByteBuffer value)
    {
        this.store = store;
        this.stateId = stateId;
        this.description = description;
        this.currentKey = currentKey;
        this.keys = keys;
        this.value = value;
    }

    CollectionKeys keys()
    {
        return keys;
    }

    ExpandableDirectByteBuffer value()
    {
        return value;
    }

    /**
     * @return the number of parts of the current key's collection.
     */
    int count()
    {
        final int keyGroup = currentKey.keyGroup();
        final long count = store.getLong(keyGroup, stateId, keys.buffer(), 0, keys.count(), 0L);
        if (count < 0 || count > Integer.MAX_VALUE)
        {
            throw new IllegalStateException(description + ": the current key's element count is " + count +
                ": the state is damaged");
        }
        return (int)count;
    }

    /**
     * Sets the count of the current key's collection; a count of 0 removes it.
     */
    void count(final int count)
    {
        final int keyGroup = currentKey.keyGroup();
        if (0 == count)
        {
            store.remove(keyGroup, stateId, keys.buffer(), 0, keys.count());
        }
        else
        {
            store.putLong(keyGroup, stateId, keys.buffer(), 0, keys.count(), count);
        }
    }

    /**
     * Adds to the count of the current key's collection in place (one lookup where a read and a write take
     * two); a count that reaches 0 is removed.
     *
     * @param delta 1 or more to grow, -1 to shrink.
     * @return the new count.
     * @throws IllegalStateException if the count would pass {@code Integer.MAX_VALUE} (nothing changed then).
     */
    int addToCount(final int delta)
    {
        final int keyGroup = currentKey.keyGroup();
        final int keyLength = keys.count();
        final long count = store.addLong(keyGroup, stateId, keys.buffer(), 0, keyLength, delta);
        if (count > Integer.MAX_VALUE)
        {
            store.addLong(keyGroup, stateId, keys.buffer(), 0, keyLength, -delta);
            throw new IllegalStateException(description + ": the current key already holds " + (count - delta) +
                " elements");
        }
        if (count < 0)
        {
            throw new IllegalStateException(description + ": the current key's element count is " + count +
                ": the state is damaged");
        }
        if (0 == count)
        {
            store.remove(keyGroup, stateId, keys.buffer(), 0, keyLength);
        }
        return (int)count;
    }

    /**
     * @return the part at an ordinal below the count; an error if it is missing.
     */
    ValueView ordinal(final int ordinal, final int count)
    {
        final int keyGroup = currentKey.keyGroup();
        final ValueView view = store.get(keyGroup, stateId, keys.buffer(), 0, keys.ordinal(ordinal));
        if (null == view)
        {
            throw new IllegalStateException(description + ": part " + ordinal + " of the current key's " + count +
                " is missing: the state is damaged");
        }
        return view;
    }

    /**
     * @return the map entry whose key is the first {@code keyLength} bytes of the keys' buffer, and whose
     * user key the ordinal part {@code ordinal} names; an error if it is missing.
     */
    ValueView entryAt(final int keyLength, final int ordinal)
    {
        final ValueView view = get(keyLength);
        if (null == view)
        {
            throw new IllegalStateException(description + ": the entry of the current key's user key at ordinal " +
                ordinal + " is missing: the state is damaged");
        }
        return view;
    }

    /**
     * Puts the first {@code valueLength} bytes of {@link #value()} at an ordinal.
     */
    void putOrdinal(final int ordinal, final int valueLength)
    {
        final int keyGroup = currentKey.keyGroup();
        store.put(keyGroup, stateId, keys.buffer(), 0, keys.ordinal(ordinal), value, 0, valueLength);
    }

    void removeOrdinal(final int ordinal)
    {
        final int keyGroup = currentKey.keyGroup();
        store.remove(keyGroup, stateId, keys.buffer(), 0, keys.ordinal(ordinal));
    }

    /**
     * @return the part whose key is the first {@code keyLength} bytes of the keys' buffer, or null.
     */
    ValueView get(final int keyLength)
    {
        return store.get(currentKey.keyGroup(), stateId, keys.buffer(), 0, keyLength);
    }

    /**
     * Puts the part whose key is the first {@code keyLength} bytes of the keys' buffer, with the first
     * {@code valueLength} bytes of {@link #value()}.
     */
    void put(final int keyLength, final int valueLength)
    {
        store.put(currentKey.keyGroup(), stateId, keys.buffer(), 0, keyLength, value, 0, valueLength);
    }

    void remove(final int keyLength)
    {
        store.remove(currentKey.keyGroup(), stateId, keys.buffer(), 0, keyLength);
    }

    /**
     * Copies a part's value into {@link #value()} (before the store's view of it goes stale).
     *
     * @return its length.
     */
    int copy(final ValueView view)
    {
        final int length = view.length();
        value.checkLimit(length);
        value.putBytes(0, view.buffer(), view.offset(), length);
        return length;
    }

    /**
     * Refuses a part before anything is written when it would not fit the store's largest entry, so that a
     * failed operation leaves the collection as it was.
     *
     * @param suffixLength bytes of the part's key after the current key.
     * @param valueLength  bytes of its value.
     * @throws IllegalArgumentException naming the state if it would not fit.
     */
    void checkFits(final int suffixLength, final int valueLength)
    {
        final long entry = (long)CollectionKeys.overhead() + currentKey.length() + suffixLength + valueLength;
        if (entry > store.maxEntrySize())
        {
            throw new IllegalArgumentException(description + ": an element of " + valueLength + " bytes under a key of " +
                currentKey.length() + " bytes makes an entry of up to " + entry + " bytes, above the store's limit of " +
                store.maxEntrySize() + " (a larger store page size raises it)");
        }
    }
}
