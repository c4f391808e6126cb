package dev.riffle.api.state;

/**
 * A state to which values are added and from which one combined result is read.
 *
 * @param <IN>  type of added values.
 * @param <OUT> type of the result.
 */
public interface AppendingState<IN, OUT> extends State
{
    /**
     * @return the combined result for the current key, or null if nothing was added.
     */
    OUT get();

    /**
     * @param value added to the current key's state; not null.
     */
    void add(IN value);
}
