package dev.riffle.state.heap;

import dev.riffle.api.state.MapState;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

final class HeapMapState<UK, UV> implements MapState<UK, UV>
{
    private final KeyGroupedMap<HashMap<UK, UV>> entries;

    HeapMapState(final KeyGroupedMap<HashMap<UK, UV>> entries)
    {
        this.entries = entries;
    }

    @Override
    public UV get(final UK key)
    {
        final HashMap<UK, UV> map = entries.get();
        return null == map ? null : map.get(key);
    }

    @Override
    public void put(final UK key, final UV value)
    {
        HashMap<UK, UV> map = entries.get();
        if (null == map)
        {
            map = new HashMap<>();
            entries.put(map);
        }
        map.put(key, value);
    }

    @Override
    public void putAll(final Map<UK, UV> map)
    {
        for (final Map.Entry<UK, UV> e : map.entrySet())
        {
            put(e.getKey(), e.getValue());
        }
    }

    @Override
    public void remove(final UK key)
    {
        final HashMap<UK, UV> map = entries.get();
        if (null != map)
        {
            map.remove(key);
            if (map.isEmpty())
            {
                entries.remove();
            }
        }
    }

    @Override
    public boolean contains(final UK key)
    {
        final HashMap<UK, UV> map = entries.get();
        return null != map && map.containsKey(key);
    }

    @Override
    public Iterable<Map.Entry<UK, UV>> entries()
    {
        return view().entrySet();
    }

    @Override
    public Iterable<UK> keys()
    {
        return view().keySet();
    }

    @Override
    public Iterable<UV> values()
    {
        return view().values();
    }

    @Override
    public boolean isEmpty()
    {
        final HashMap<UK, UV> map = entries.get();
        return null == map || map.isEmpty();
    }

    @Override
    public void clear()
    {
        entries.remove();
    }

    private Map<UK, UV> view()
    {
        final HashMap<UK, UV> map = entries.get();
        return null == map ? Map.of() : Collections.unmodifiableMap(map);
    }
}
