package dev.riffle.state.offheap;

import dev.riffle.api.state.TypeSerializer;
import dev.riffle.api.state.serialization.Serializers;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * The current key, serialized once per record so that every state access of the record reuses the
 * bytes. The key's serializer is chosen from its class (built-ins only: keys must be primitives,
 * boxes, strings, byte arrays, enums or records of those) and cached for the last class seen.
 * Confined to the task thread.
 */
final class CurrentKeyBytes
{
    private final ExpandableDirectByteBuffer bytes = new ExpandableDirectByteBuffer(32);
    private Class<?> lastClass;
    private TypeSerializer<Object> serializer;
    private Object key;
    private int keyGroup;
    private int length;

    @SuppressWarnings("unchecked")
    void set(final Object key, final int keyGroup)
    {
        final Class<?> type = key.getClass();
        if (type != lastClass)
        {
            serializer = (TypeSerializer<Object>)Serializers.forType(type);
            lastClass = type;
        }
        length = serializer.length(key);
        bytes.checkLimit(length);
        serializer.write(key, bytes, 0);
        this.key = key;
        this.keyGroup = keyGroup;
    }

    Object key()
    {
        if (null == key)
        {
            throw new IllegalStateException("no current key: keyed state is only accessible while processing a record");
        }
        return key;
    }

    int keyGroup()
    {
        key();
        return keyGroup;
    }

    ExpandableDirectByteBuffer bytes()
    {
        return bytes;
    }

    int length()
    {
        return length;
    }
}
