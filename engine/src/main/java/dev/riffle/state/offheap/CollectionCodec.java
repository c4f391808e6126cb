package dev.riffle.state.offheap;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes the list of a ListState, or the map of a MapState, as one value: a count, then each
 * element (and key) with a 4-byte length. A key's whole collection is one entry, so each update
 * rewrites it: cost proportional to that key's collection, which suits the small per-key lists and
 * maps of stream processing; large per-key collections are better modelled as more keys.
 */
final class CollectionCodec
{
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);

    ExpandableDirectByteBuffer buffer()
    {
        return buffer;
    }

    <T> int encodeList(final List<T> list, final TypeSerializer<T> serializer)
    {
        int position = 0;
        buffer.putInt(position, list.size(), ByteOrder.BIG_ENDIAN);
        position += Integer.BYTES;
        for (final T element : list)
        {
            position = put(position, element, serializer);
        }
        return position;
    }

    <T> List<T> decodeList(final DirectBuffer source, final int offset, final TypeSerializer<T> serializer)
    {
        int position = offset;
        final int count = source.getInt(position, ByteOrder.BIG_ENDIAN);
        position += Integer.BYTES;
        final List<T> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final int length = source.getInt(position, ByteOrder.BIG_ENDIAN);
            list.add(serializer.read(source, position + Integer.BYTES, length));
            position += Integer.BYTES + length;
        }
        return list;
    }

    <K, V> int encodeMap(final Map<K, V> map, final TypeSerializer<K> keys, final TypeSerializer<V> values)
    {
        int position = 0;
        buffer.putInt(position, map.size(), ByteOrder.BIG_ENDIAN);
        position += Integer.BYTES;
        for (final Map.Entry<K, V> e : map.entrySet())
        {
            position = put(position, e.getKey(), keys);
            position = put(position, e.getValue(), values);
        }
        return position;
    }

    <K, V> Map<K, V> decodeMap(
        final DirectBuffer source, final int offset, final TypeSerializer<K> keys, final TypeSerializer<V> values)
    {
        int position = offset;
        final int count = source.getInt(position, ByteOrder.BIG_ENDIAN);
        position += Integer.BYTES;
        final Map<K, V> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++)
        {
            final int keyLength = source.getInt(position, ByteOrder.BIG_ENDIAN);
            final K key = keys.read(source, position + Integer.BYTES, keyLength);
            position += Integer.BYTES + keyLength;
            final int valueLength = source.getInt(position, ByteOrder.BIG_ENDIAN);
            final V value = values.read(source, position + Integer.BYTES, valueLength);
            position += Integer.BYTES + valueLength;
            map.put(key, value);
        }
        return map;
    }

    private <T> int put(final int position, final T value, final TypeSerializer<T> serializer)
    {
        final int length = serializer.length(value);
        buffer.checkLimit(position + Integer.BYTES + length);
        buffer.putInt(position, length, ByteOrder.BIG_ENDIAN);
        serializer.write(value, buffer, position + Integer.BYTES);
        return position + Integer.BYTES + length;
    }
}
