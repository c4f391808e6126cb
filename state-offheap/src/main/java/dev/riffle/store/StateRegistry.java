package dev.riffle.store;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The states of a {@link PagedKeyedStore}: their names and the small int ids the writer addresses them
 * by, numbered in order of registration, or as the snapshot a store was restored from numbered them.
 * <p>
 * A state is a byte state (entries of any length, in the key groups' shared tables) or a long state
 * (long keys with 8-byte values only, in tables of its own: {@link LongStateTables}), fixed when it is
 * first registered.
 * <p>
 * <b>Threading.</b> Writer thread only (and a restore's calling thread, before the store is handed out).
 * {@link #names()} and {@link #longStates()} are never changed once handed out, only replaced, so a
 * snapshot may keep the ones it got.
 */
final class StateRegistry
{
    private static final int[] NONE = new int[0];
    private final Map<String, Integer> ids = new LinkedHashMap<>();
    private List<String> names = List.of();
    private int[] longStates = NONE;

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
     * @return the id of the long state, registered now if it was not.
     * @throws IllegalStateException if the name is registered as a byte state.
     * @see KeyedStore#registerLongState
     */
    int registerLong(final String name)
    {
        final Integer id = ids.get(name);
        if (null != id)
        {
            if (!isLong(id))
            {
                throw new IllegalStateException("state '" + name + "' is registered as a byte state, not a long state");
            }
            return id;
        }
        final int next = register(name);
        markLong(next);
        return next;
    }

    private void markLong(final int id)
    {
        final int[] more = Arrays.copyOf(longStates, longStates.length + 1);
        more[longStates.length] = id;
        Arrays.sort(more);
        longStates = more;
    }

    /**
     * @return whether the state of this id is a long state.
     */
    boolean isLong(final int id)
    {
        return Arrays.binarySearch(longStates, id) >= 0;
    }

    /**
     * @return ids of the long states, ascending; never changed once returned.
     */
    int[] longStates()
    {
        return longStates;
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
    void restored(final String name, final int id, final boolean isLong)
    {
        ids.put(name, id);
        names = List.copyOf(ids.keySet());
        if (isLong)
        {
            markLong(id);
        }
    }

    /**
     * @return the registered state names, as {@link KeyedStore#stateNames} hands them out.
     */
    List<String> names()
    {
        return names;
    }
}
