package dev.riffle.state.offheap;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * Serializes values of one state into a reusable off-heap buffer and back. Confined to the task
 * thread; the buffer grows to the largest value seen and is then reused.
 *
 * @param <T> value type.
 */
final class StateCodec<T>
{
    private final TypeSerializer<T> serializer;
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(64);

    StateCodec(final TypeSerializer<T> serializer)
    {
        this.serializer = serializer;
    }

    TypeSerializer<T> serializer()
    {
        return serializer;
    }

    /**
     * @return the length of the value written at offset 0 of {@link #buffer()}.
     */
    int encode(final T value)
    {
        final int length = serializer.length(value);
        buffer.checkLimit(length);
        serializer.write(value, buffer, 0);
        return length;
    }

    ExpandableDirectByteBuffer buffer()
    {
        return buffer;
    }

    T decode(final DirectBuffer source, final int offset, final int length)
    {
        return serializer.read(source, offset, length);
    }
}
