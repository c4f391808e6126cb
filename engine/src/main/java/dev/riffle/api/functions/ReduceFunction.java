package dev.riffle.api.functions;

/**
 * Combines two values of the same type into one; used by {@code KeyedStream.reduce} and
 * {@code ReducingState}. Should be associative.
 *
 * @param <T> value type.
 */
@FunctionalInterface
public interface ReduceFunction<T> extends Function
{
    /**
     * @param accumulated the value so far.
     * @param value       the new value.
     * @return the combined value, not null.
     * @throws Exception on any user error.
     */
    T reduce(T accumulated, T value) throws Exception;
}
