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
 * A part's key is {@code [header][current key bytes][suffix]}, all in the current key's key group (so a
 * rescaled restore moves a collection with its key). The header is one byte, {@code keyLength << 2 | kind},
 * for a current key of up to {@value #SHORT_KEY} bytes, else {@code (SHORT_KEY + 1) << 2 | kind} followed by
 * the key's length as a 4-byte int; with it the split between current key and suffix is unambiguous for
 * keys of any length, and the parts of a long key — the common case — carry 1 byte of it, not 5: a
 * {@code Long}-keyed list's element of up to 8 bytes then fits the store's cell inline (20 bytes) and its
 * lookup touches one cache line, not two. Kinds:
 * <ul>
 * <li>{@link #COUNT}, no suffix: the number of elements (entries), an 8-byte long; absent when 0;</li>
 * <li>{@link #ORDINAL}, suffix the ordinal {@code i} in as few big-endian bytes as hold it (1–4, so each
 * ordinal has one encoding): the i-th element of a list, or the user key of the i-th entry of a map,
 * {@code 0 <= i < count} with no holes;</li>
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

    /**
     * The longest current key whose length the header byte holds.
     */
    static final int SHORT_KEY = 62;

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
     * @return the length of the current key's {@link #ORDINAL} key for {@code ordinal}, at least 0.
     */
    int ordinal(final int ordinal)
    {
        final int bytes = ordinal < 1 << 8 ? 1 : ordinal < 1 << 16 ? 2 : ordinal < 1 << 24 ? 3 : 4;
        final int suffix = prefix(ORDINAL, bytes);
        for (int i = 0; i < bytes; i++)
        {
            buffer.putByte(suffix + i, (byte)(ordinal >>> 8 * (bytes - 1 - i)));
        }
        return suffix + bytes;
    }

    /**
     * @return the length of the current key's {@link #USER_KEY} key for a user key given as an object.
     */
    <K> int userKey(final TypeSerializer<K> serializer, final K userKey)
    {
        return userKey(serializer, userKey, serializer.length(userKey));
    }

    /**
     * As {@link #userKey(TypeSerializer, Object)}, with the user key's serialized length already known.
     */
    <K> int userKey(final TypeSerializer<K> serializer, final K userKey, final int length)
    {
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
     * @return the most bytes a part's key adds to the current key and its suffix.
     */
    static int overhead()
    {
        return 1 + Integer.BYTES;
    }

    /**
     * Writes the header and the current key; returns where the suffix starts.
     */
    private int prefix(final byte kind, final int suffixLength)
    {
        final int keyLength = currentKey.length();
        final int header = keyLength <= SHORT_KEY ? 1 : 1 + Integer.BYTES;
        final int suffix = header + keyLength;
        buffer.checkLimit(suffix + suffixLength);
        if (keyLength <= SHORT_KEY)
        {
            buffer.putByte(0, (byte)(keyLength << 2 | kind));
        }
        else
        {
            buffer.putByte(0, (byte)((SHORT_KEY + 1) << 2 | kind));
            buffer.putInt(1, keyLength, ByteOrder.BIG_ENDIAN);
        }
        buffer.putBytes(header, currentKey.bytes(), 0, keyLength);
        return suffix;
    }
}
