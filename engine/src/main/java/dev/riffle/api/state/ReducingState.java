package dev.riffle.api.state;

/**
 * Keeps one value per key, combining every added value with the descriptor's reduce function.
 *
 * @param <T> value type.
 */
public interface ReducingState<T> extends AppendingState<T, T>
{
}
