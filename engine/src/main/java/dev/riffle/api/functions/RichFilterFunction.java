package dev.riffle.api.functions;

/**
 * A {@link FilterFunction} with a lifecycle and access to keyed state.
 *
 * @param <T> record type.
 */
public abstract class RichFilterFunction<T> extends AbstractRichFunction implements FilterFunction<T>
{
}
