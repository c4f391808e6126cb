package dev.riffle.state.offheap;

import dev.riffle.api.state.MapState;
import dev.riffle.api.state.TypeSerializer;
import dev.riffle.store.ValueView;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.ByteOrder;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A map per key with one store entry per map entry ({@link CollectionKeys}): {@link #get}, {@link #contains}
 * and an update of a present user key are one lookup by the serialized user key, whatever the map's size.
 * Each entry also holds its ordinal, and the ordinal part holds its user key, which is what iteration
 * walks; a removal moves the last ordinal into the hole (its entry's ordinal rewritten), so ordinals
 * stay dense and a removal is O(1) too. User keys are compared as serialized bytes: their serializer
 * must give equal bytes for equal keys ({@link TypeSerializer}'s contract). Confined to the task thread.
 */
final class OffHeapMapState<UK, UV> implements MapState<UK, UV>
{
    private static final int ORDINAL = 0;
    private static final int VALUE = Integer.BYTES;

    private final CollectionParts parts;
    private final CollectionKeys keys;
    private final TypeSerializer<UK> keySerializer;
    private final TypeSerializer<UV> valueSerializer;

    OffHeapMapState(final CollectionParts parts, final TypeSerializer<UK> keySerializer,
        final TypeSerializer<UV> valueSerializer)
    {
        this.parts = parts;
        this.keys = parts.keys();
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
    }

    @Override
    public UV get(final UK userKey)
    {
        final ValueView view = parts.get(keys.userKey(keySerializer, checkKey(userKey)));
        return null == view ? null :
            valueSerializer.read(view.buffer(), view.offset() + VALUE, view.length() - VALUE);
    }

    @Override
    public void put(final UK userKey, final UV value)
    {
        checkKey(userKey);
        Objects.requireNonNull(value, "map state value");
        final int userKeyLength = keySerializer.length(userKey);
        final int valueLength = valueSerializer.length(value);
        parts.checkFits(userKeyLength, VALUE + valueLength);
        final int keyLength = keys.userKey(keySerializer, userKey, userKeyLength);
        final ValueView present = parts.get(keyLength);
        if (null != present)
        {
            final int ordinal = present.buffer().getInt(present.offset() + ORDINAL, ByteOrder.BIG_ENDIAN);
            parts.put(keyLength, encodeEntry(ordinal, value, valueLength));
            return;
        }
        final int ordinal = parts.addToCount(1) - 1;
        parts.put(keys.userKey(keySerializer, userKey, userKeyLength), encodeEntry(ordinal, value, valueLength));
        final ExpandableDirectByteBuffer buffer = parts.value();
        buffer.checkLimit(userKeyLength);
        keySerializer.write(userKey, buffer, 0);
        parts.putOrdinal(ordinal, userKeyLength);
    }

    @Override
    public void putAll(final Map<UK, UV> map)
    {
        for (final Map.Entry<UK, UV> e : map.entrySet())
        {
            checkKey(e.getKey());
            Objects.requireNonNull(e.getValue(), "map state value");
            parts.checkFits(keySerializer.length(e.getKey()), VALUE + valueSerializer.length(e.getValue()));
        }
        map.forEach(this::put);
    }

    @Override
    public void remove(final UK userKey)
    {
        final int keyLength = keys.userKey(keySerializer, checkKey(userKey));
        final ValueView present = parts.get(keyLength);
        if (null == present)
        {
            return;
        }
        final int ordinal = present.buffer().getInt(present.offset() + ORDINAL, ByteOrder.BIG_ENDIAN);
        parts.remove(keyLength);
        final int last = parts.addToCount(-1);
        if (ordinal != last)
        {
            moveLastInto(ordinal, last, last + 1);
        }
        parts.removeOrdinal(last);
    }

    @Override
    public boolean contains(final UK userKey)
    {
        return null != parts.get(keys.userKey(keySerializer, checkKey(userKey)));
    }

    @Override
    public Iterable<Map.Entry<UK, UV>> entries()
    {
        final int count = parts.count();
        final List<Map.Entry<UK, UV>> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final int userKeyLength = copyUserKeyAt(i, count);
            final UK userKey = keySerializer.read(parts.value(), 0, userKeyLength);
            entries.add(new AbstractMap.SimpleImmutableEntry<>(userKey, valueOfCopiedKey(i, userKeyLength)));
        }
        return Collections.unmodifiableList(entries);
    }

    @Override
    public Iterable<UK> keys()
    {
        final int count = parts.count();
        final List<UK> userKeys = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final ValueView view = parts.ordinal(i, count);
            userKeys.add(keySerializer.read(view.buffer(), view.offset(), view.length()));
        }
        return Collections.unmodifiableList(userKeys);
    }

    @Override
    public Iterable<UV> values()
    {
        final int count = parts.count();
        final List<UV> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            values.add(valueOfCopiedKey(i, copyUserKeyAt(i, count)));
        }
        return Collections.unmodifiableList(values);
    }

    @Override
    public boolean isEmpty()
    {
        return 0 == parts.count();
    }

    @Override
    public void clear()
    {
        final int count = parts.count();
        for (int i = 0; i < count; i++)
        {
            final int userKeyLength = copyUserKeyAt(i, count);
            parts.remove(keys.userKey(parts.value(), 0, userKeyLength));
            parts.removeOrdinal(i);
        }
        parts.count(0);
    }

    /**
     * The entry at the last ordinal takes the removed entry's ordinal.
     */
    private void moveLastInto(final int ordinal, final int last, final int count)
    {
        final int userKeyLength = copyUserKeyAt(last, count);
        parts.putOrdinal(ordinal, userKeyLength);
        final int keyLength = keys.userKey(parts.value(), 0, userKeyLength);
        final int entryLength = parts.copy(parts.entryAt(keyLength, last));
        parts.value().putInt(ORDINAL, ordinal, ByteOrder.BIG_ENDIAN);
        parts.put(keyLength, entryLength);
    }

    /**
     * Copies the serialized user key at an ordinal into the parts' value buffer.
     *
     * @return its length.
     */
    private int copyUserKeyAt(final int ordinal, final int count)
    {
        return parts.copy(parts.ordinal(ordinal, count));
    }

    /**
     * @return the value of the user key at an ordinal, whose bytes {@link #copyUserKeyAt} just copied.
     */
    private UV valueOfCopiedKey(final int ordinal, final int userKeyLength)
    {
        final ValueView view = parts.entryAt(keys.userKey(parts.value(), 0, userKeyLength), ordinal);
        return valueSerializer.read(view.buffer(), view.offset() + VALUE, view.length() - VALUE);
    }

    private int encodeEntry(final int ordinal, final UV value, final int length)
    {
        final ExpandableDirectByteBuffer buffer = parts.value();
        buffer.checkLimit(VALUE + length);
        buffer.putInt(ORDINAL, ordinal, ByteOrder.BIG_ENDIAN);
        valueSerializer.write(value, buffer, VALUE);
        return VALUE + length;
    }

    private UK checkKey(final UK userKey)
    {
        return Objects.requireNonNull(userKey, "map state user key");
    }
}
