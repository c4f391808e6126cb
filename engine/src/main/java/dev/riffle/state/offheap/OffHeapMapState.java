package dev.riffle.state.offheap;

import dev.riffle.api.state.MapState;
import dev.riffle.api.state.TypeSerializer;
import dev.riffle.store.KeyedStore;
import dev.riffle.store.ValueView;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map per key, stored as one value ({@link CollectionCodec}).
 */
final class OffHeapMapState<UK, UV> implements MapState<UK, UV>
{
    private final KeyedStore store;
    private final int stateId;
    private final CurrentKeyBytes key;
    private final TypeSerializer<UK> keys;
    private final TypeSerializer<UV> values;
    private final CollectionCodec codec;

    OffHeapMapState(final KeyedStore store, final int stateId, final CurrentKeyBytes key,
        final TypeSerializer<UK> keys, final TypeSerializer<UV> values, final CollectionCodec codec)
    {
        this.store = store;
        this.stateId = stateId;
        this.key = key;
        this.keys = keys;
        this.values = values;
        this.codec = codec;
    }

    @Override
    public UV get(final UK userKey)
    {
        return read().get(userKey);
    }

    @Override
    public void put(final UK userKey, final UV value)
    {
        final Map<UK, UV> map = read();
        map.put(userKey, value);
        write(map);
    }

    @Override
    public void putAll(final Map<UK, UV> entries)
    {
        final Map<UK, UV> map = read();
        map.putAll(entries);
        write(map);
    }

    @Override
    public void remove(final UK userKey)
    {
        final Map<UK, UV> map = read();
        if (null != map.remove(userKey))
        {
            write(map);
        }
    }

    @Override
    public boolean contains(final UK userKey)
    {
        return read().containsKey(userKey);
    }

    @Override
    public Iterable<Map.Entry<UK, UV>> entries()
    {
        return Collections.unmodifiableMap(read()).entrySet();
    }

    @Override
    public Iterable<UK> keys()
    {
        return Collections.unmodifiableMap(read()).keySet();
    }

    @Override
    public Iterable<UV> values()
    {
        return Collections.unmodifiableMap(read()).values();
    }

    @Override
    public boolean isEmpty()
    {
        return null == store.get(key.keyGroup(), stateId, key.bytes(), 0, key.length());
    }

    @Override
    public void clear()
    {
        store.remove(key.keyGroup(), stateId, key.bytes(), 0, key.length());
    }

    private Map<UK, UV> read()
    {
        final ValueView view = store.get(key.keyGroup(), stateId, key.bytes(), 0, key.length());
        return null == view ? new LinkedHashMap<>() : codec.decodeMap(view.buffer(), view.offset(), keys, values);
    }

    private void write(final Map<UK, UV> map)
    {
        if (map.isEmpty())
        {
            clear();
            return;
        }
        final int length = codec.encodeMap(map, keys, values);
        store.put(key.keyGroup(), stateId, key.bytes(), 0, key.length(), codec.buffer(), 0, length);
    }
}
