package dev.riffle.api.state;

import java.util.List;

/**
 * A list of values per key.
 *
 * @param <T> element type.
 */
public interface ListState<T> extends State
{
    /**
     * @param value appended to the current key's list; not null.
     */
    void add(T value);

    /**
     * @param values appended in order; none null.
     */
    void addAll(List<T> values);

    /**
     * @param values replaces the current key's list; an empty list clears it.
     */
    void update(List<T> values);

    /**
     * @return the current key's elements in insertion order (empty, never null). The iterable is a
     * snapshot: later changes to the state do not show in it.
     */
    Iterable<T> get();
}
