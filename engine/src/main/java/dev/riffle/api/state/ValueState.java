package dev.riffle.api.state;

/**
 * One value per key.
 *
 * @param <T> value type.
 */
public interface ValueState<T> extends State
{
    /**
     * @return the value for the current key, or the descriptor's default (which may be null) if none
     * was set. A returned object is a copy when the backend stores serialized bytes: mutating it does
     * not change the state; call {@link #update(Object)}.
     */
    T value();

    /**
     * @param value the new value for the current key; null clears it.
     */
    void update(T value);
}
