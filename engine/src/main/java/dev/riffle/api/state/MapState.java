package dev.riffle.api.state;

import java.util.Map;

/**
 * A map of user keys to user values per key.
 *
 * @param <UK> user key type.
 * @param <UV> user value type.
 */
public interface MapState<UK, UV> extends State
{
    /**
     * @param key user key, not null.
     * @return the value, or null if absent.
     */
    UV get(UK key);

    /**
     * @param key   user key, not null.
     * @param value value, not null.
     */
    void put(UK key, UV value);

    /**
     * @param map all entries are put.
     */
    void putAll(Map<UK, UV> map);

    /**
     * @param key user key; absent keys are ignored.
     */
    void remove(UK key);

    /**
     * @param key user key.
     * @return true if the current key's map holds it.
     */
    boolean contains(UK key);

    /**
     * @return the current key's entries; a snapshot, not a view.
     */
    Iterable<Map.Entry<UK, UV>> entries();

    /**
     * @return the current key's user keys; a snapshot, not a view.
     */
    Iterable<UK> keys();

    /**
     * @return the current key's values; a snapshot, not a view.
     */
    Iterable<UV> values();

    /**
     * @return true if the current key's map has no entry.
     */
    boolean isEmpty();
}
