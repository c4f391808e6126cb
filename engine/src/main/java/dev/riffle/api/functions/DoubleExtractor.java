package dev.riffle.api.functions;

import java.io.Serializable;

/**
 * Reads a double field of a record, for built-in aggregations. Serializable for the same reason as
 * {@link LongExtractor}.
 *
 * @param <T> record type.
 */
@FunctionalInterface
public interface DoubleExtractor<T> extends Function, Serializable
{
    /**
     * @param value the record.
     * @return the field.
     */
    double extract(T value);
}
