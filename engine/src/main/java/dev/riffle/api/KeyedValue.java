package dev.riffle.api;

/**
 * A key with a value, emitted by the built-in keyed aggregations ({@code sum}, {@code count}).
 *
 * @param key   the key.
 * @param value the aggregate for that key so far.
 * @param <K>   key type.
 * @param <V>   value type.
 */
public record KeyedValue<K, V>(K key, V value)
{
}
