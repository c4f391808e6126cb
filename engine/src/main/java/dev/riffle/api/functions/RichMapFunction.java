package dev.riffle.api.functions;

/**
 * A {@link MapFunction} with a lifecycle and access to keyed state.
 *
 * @param <IN>  input type.
 * @param <OUT> output type.
 */
public abstract class RichMapFunction<IN, OUT> extends AbstractRichFunction implements MapFunction<IN, OUT>
{
}
