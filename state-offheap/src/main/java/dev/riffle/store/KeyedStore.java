package dev.riffle.store;

import org.agrona.DirectBuffer;

/**
 * Byte-oriented keyed tables by key group and state, owned by one writer thread: what the engine's
 * off-heap state backends need from a store. {@link PagedKeyedStore} is the default;
 * {@link dev.riffle.store.chronicle.ChronicleKeyedStore} the Chronicle Map alternative.
 */
public interface KeyedStore extends AutoCloseable
{
    /**
     * @param name state name.
     * @return its id, stable for the store's life and across snapshot and restore.
     */
    int registerState(String name);

    /**
     * @return a view of the value, valid until the next mutation; null if absent.
     */
    ValueView get(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength);

    /**
     * Stores a value.
     */
    void put(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength,
        DirectBuffer value, int valueOffset, int valueLength);

    /**
     * @return true if the key was present.
     */
    boolean remove(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength);

    /**
     * Visits the entries of one state (stateId &lt; 0: all) in one key group.
     */
    void forEach(int keyGroup, int stateId, EntryVisitor visitor);

    @Override
    void close();
}
