package dev.riffle.api.functions;

/**
 * Keeps the records for which {@link #filter(Object)} returns {@code true}.
 *
 * @param <T> record type.
 */
@FunctionalInterface
public interface FilterFunction<T> extends Function
{
    /**
     * @param value the input record, never null.
     * @return true to keep the record.
     * @throws Exception on any user error.
     */
    boolean filter(T value) throws Exception;
}
