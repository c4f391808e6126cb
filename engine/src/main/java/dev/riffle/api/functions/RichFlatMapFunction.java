package dev.riffle.api.functions;

/**
 * A {@link FlatMapFunction} with a lifecycle and access to keyed state.
 *
 * @param <IN>  input type.
 * @param <OUT> output type.
 */
public abstract class RichFlatMapFunction<IN, OUT> extends AbstractRichFunction implements FlatMapFunction<IN, OUT>
{
}
