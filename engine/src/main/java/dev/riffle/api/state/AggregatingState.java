package dev.riffle.api.state;

/**
 * Keeps one accumulator per key, updated by the descriptor's aggregate function.
 *
 * @param <IN>  type of added values.
 * @param <OUT> type of the result.
 */
public interface AggregatingState<IN, OUT> extends AppendingState<IN, OUT>
{
}
