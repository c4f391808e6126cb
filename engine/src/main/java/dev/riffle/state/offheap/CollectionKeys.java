package dev.riffle.state.offheap;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.ByteOrder;

/**
 * The store keys of the parts of a list or map state: each element of a list and each entry of a map
 * is an entry of its own in the store, so that adding an element or putting an entry costs a few
 * hash lookups whatever the size of the key's collection, and a collection is not bounded by the
 * store's largest entry.
 * <p>
 * A part's key is {@code [current key length: int][current key bytes][kind: byte][suffix]}, all in
 * the current key's key group (so a rescaled restore moves a collection with its key). The length
 * prefix makes the split between current key and suffix unambiguous for keys of any length. Kinds:
 * <ul>
 * <li>{@link #COUNT}, no suffix: the number of elements (entries), an 8-byte long; absent when 0;</li>
 * <li>{@link #ORDINAL}, suffix a big-endian int {@code i}: the i-th element of a list, or the user key
 * of the i-th entry of a map, {@code 0 <= i < count} with no holes;</li>
 * <li>{@link #USER_KEY}, suffix the serialized user key: a map entry, value
 * {@code [ordinal: int][user value bytes]}.</li>
 * </ul>
 * One reused buffer: a key built by one method is valid until the next call of any of them. Confined to
 * the task thread.
 */
final class CollectionKeys
{
    static final byte COUNT = 0;
    static final byte ORDINAL = 1;
    static final byte USER_KEY = 2;

    private final CurrentKeyBytes currentKey;
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(64);

    CollectionKeys(final CurrentKeyBytes currentKey)
    {
        this.currentKey = currentKey;
    }

    ExpandableDirectByteBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the length of the current key's {@link #COUNT} key, at offset 0 of {@link #buffer()}.
     */
    int count()
    {
        return prefix(COUNT, 0);
    }

    /**
     * @return the length of the current key's {@link #ORDINAL} key for {@code ordinal}.
     */
    int ordinal(final int ordinal)
    {
        final int suffix = prefix(ORDINAL, Integer.BYTES);
        buffer.putInt(suffix, ordinal, ByteOrder.BIG_ENDIAN);
        return suffix + Integer.BYTES;
    }

    /**
     * @return the length of the current key's {@link #USER_KEY} key for a user key given as an object.
     */
    <K> int userKey(final TypeSerializer<K> serializer, final K userKey)
    {
        final int length = serializer.length(userKey);
        final int suffix = prefix(USER_KEY, length);
        serializer.write(userKey, buffer, suffix);
        return suffix + length;
    }

    /**
     * @return the length of the current key's {@link #USER_KEY} key for a user key given as its bytes,
     * which must not be in {@link #buffer()}.
     */
    int userKey(final DirectBuffer source, final int offset, final int length)
    {
        final int suffix = prefix(USER_KEY, length);
        buffer.putBytes(suffix, source, offset, length);
        return suffix + length;
    }

    /**
     * @return bytes a part's key adds to the current key and its suffix.
     */
    static int overhead()
    {
        return Integer.BYTES + 1;
    }

    /**
     * Writes the length, the current key and the kind; returns where the suffix starts.
     */
    private int prefix(final byte kind, final int suffixLength)
    {
        final int keyLength = currentKey.length();
        final int suffix = Integer.BYTES + keyLength + 1;
        buffer.checkLimit(suffix + suffixLength);
        buffer.putInt(0, keyLength, ByteOrder.BIG_ENDIAN);
        buffer.putBytes(Integer.BYTES, currentKey.bytes(), 0, keyLength);
        buffer.putByte(suffix - 1, kind);
        return suffix;
    }
}
