package dev.riffle.state.heap;

import java.util.HashMap;

/**
 * The entries of one state: a hash map per key group, so that a key group's state can be moved as a
 * whole. Accessors work on the current key.
 *
 * @param <V> stored value type.
 */
final class KeyGroupedMap<V>
{
    private final HashMap<Object, V>[] maps;
    private final CurrentKey currentKey;

    @SuppressWarnings({"unchecked", "rawtypes"})
    KeyGroupedMap(final int keyGroups, final CurrentKey currentKey)
    {
        this.maps = new HashMap[keyGroups];
        this.currentKey = currentKey;
    }

    V get()
    {
        final HashMap<Object, V> map = maps[currentKey.keyGroupIndex()];
        return null == map ? null : map.get(currentKey.key());
    }

    void put(final V value)
    {
        final int index = currentKey.keyGroupIndex();
        HashMap<Object, V> map = maps[index];
        if (null == map)
        {
            map = new HashMap<>();
            maps[index] = map;
        }
        map.put(currentKey.key(), value);
    }

    /**
     * @param index key group index within the backend's range.
     * @return that key group's entries, or null if it has none; the live map, for snapshots.
     */
    HashMap<Object, V> keyGroup(final int index)
    {
        return maps[index];
    }

    /**
     * @param index   key group index within the backend's range.
     * @param entries restored entries of that key group.
     */
    void restoreKeyGroup(final int index, final HashMap<Object, V> entries)
    {
        maps[index] = entries;
    }

    int keyGroups()
    {
        return maps.length;
    }

    void remove()
    {
        final HashMap<Object, V> map = maps[currentKey.keyGroupIndex()];
        if (null != map)
        {
            map.remove(currentKey.key());
        }
    }
}
