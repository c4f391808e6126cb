package dev.riffle.api.state;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns values of one type into bytes and back, for state kept outside the Java heap. Riffle has
 * built-in serializers for primitives and their boxes, {@code String}, {@code byte[]}, enums and
 * records composed of those; implement this for anything else and set it on the state descriptor.
 * <p>
 * Contract: {@code read(write(v))} equals {@code v}; equal values have equal bytes (state keys are
 * compared as bytes); the methods keep no state between calls, so one instance may serve several
 * threads. Buffers are owned by the caller and valid only during the call.
 *
 * @param <T> value type.
 */
public interface TypeSerializer<T>
{
    /**
     * Returned by {@link #fixedLength()} when values have different lengths.
     */
    int VARIABLE_LENGTH = -1;

    /**
     * @return the length in bytes of every value, or {@link #VARIABLE_LENGTH}. Fixed-length values
     * can be updated in place by the store.
     */
    int fixedLength();

    /**
     * @param value a non-null value.
     * @return exactly the number of bytes {@link #write} will write for it.
     */
    int length(T value);

    /**
     * @param value  a non-null value.
     * @param buffer destination, with at least {@link #length(Object)} bytes from {@code offset}.
     * @param offset where to start.
     */
    void write(T value, MutableDirectBuffer buffer, int offset);

    /**
     * @param buffer source.
     * @param offset where the value starts.
     * @param length its length, as written.
     * @return the value.
     * @throws IllegalArgumentException if the bytes are not a value of this type.
     */
    T read(DirectBuffer buffer, int offset, int length);
}
