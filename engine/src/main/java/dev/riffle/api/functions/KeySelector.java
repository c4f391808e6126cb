package dev.riffle.api.functions;

/**
 * Extracts the key by which a stream is partitioned. The key must be deterministic
 * ({@code hashCode()} and {@code equals()} stable across calls and JVM runs, so that a key always
 * reaches the same key group), must not be null, and must not be mutated after it was returned.
 * Enums are not stable across JVM runs by identity hash: Riffle hashes them by name.
 *
 * @param <T> record type.
 * @param <K> key type.
 */
@FunctionalInterface
public interface KeySelector<T, K> extends Function
{
    /**
     * @param value the record.
     * @return its key, never null.
     * @throws Exception on any user error.
     */
    K getKey(T value) throws Exception;
}
