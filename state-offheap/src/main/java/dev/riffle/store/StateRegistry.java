package dev.riffle.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The states of a {@link PagedKeyedStore}: their names and the small int ids the writer addresses them
 * by, numbered in order of registration, or as the snapshot a store was restored from numbered them.
 * <p>
 * <b>Threading.</b> Writer thread only (and a restore's calling thread, before the store is handed out).
 * {@link #names()} is an immutable list, replaced on every change, so a snapshot may keep the one it got.
 */
final class StateRegistry
{
    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private List<String> names = List.of();

    /**
     * @return the id of the state, registered now if it was not.
     * @see KeyedStore#registerState
     */
    int register(final String name)
    {
        final Integer id = ids.get(name);
        if (null != id)
        {
            return id;
        }
        final int next = ids.size();
        ids.put(name, next);
        names = List.copyOf(ids.keySet());
        return next;
    }

    /**
     * @return the id of a registered state, or null.
     */
    Integer id(final String name)
    {
        return ids.get(name);
    }

    /**
     * @return the name of the state with this id, or null if none has it.
     */
    String name(final int id)
    {
        for (final Map.Entry<String, Integer> e : ids.entrySet())
        {
            if (e.getValue() == id)
            {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * Restore: states named by a snapshot, in its numbering.
     */
    void restored(final String name, final int id)
    {
        ids.put(name, id);
        names = List.copyOf(ids.keySet());
    }

    /**
     * @return the registered state names, as {@link KeyedStore#stateNames} hands them out.
     */
    List<String> names()
    {
        return names;
    }
}
