package dev.riffle.api.functions;

import java.io.Serializable;

/**
 * Reads a long field of a record, for built-in aggregations. Serializable so that the aggregation
 * holding it can be copied per parallel instance; a lambda is serializable when what it captures is.
 *
 * @param <T> record type.
 */
@FunctionalInterface
public interface LongExtractor<T> extends Function, Serializable
{
    /**
     * @param value the record.
     * @return the field.
     */
    long extract(T value);
}
