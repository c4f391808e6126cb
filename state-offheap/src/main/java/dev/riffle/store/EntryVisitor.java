package dev.riffle.store;

import org.agrona.DirectBuffer;

/**
 * Receives entries during iteration. The buffers are views into the store, valid only during the
 * call; the visitor must not modify the store.
 */
@FunctionalInterface
public interface EntryVisitor
{
    /**
     * @param keyGroup    the entry's key group.
     * @param stateId     its state.
     * @param key         key bytes.
     * @param keyOffset   where they start.
     * @param keyLength   how many.
     * @param value       value bytes.
     * @param valueOffset where they start.
     * @param valueLength how many.
     */
    void accept(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength,
        DirectBuffer value, int valueOffset, int valueLength);
}
