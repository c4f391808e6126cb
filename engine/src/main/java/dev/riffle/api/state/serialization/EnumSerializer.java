package dev.riffle.api.state.serialization;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * An enum constant by its ordinal, in 4 bytes: fixed length, so it can be updated in place. Reordering
 * or removing constants therefore changes the meaning of stored state, as in Flink.
 *
 * @param <E> enum type.
 */
final class EnumSerializer<E extends Enum<E>> implements TypeSerializer<E>
{
    private final Class<E> type;
    private final E[] constants;

    EnumSerializer(final Class<E> type)
    {
        this.type = type;
        this.constants = type.getEnumConstants();
    }

    @Override
    public int fixedLength()
    {
        return Integer.BYTES;
    }

    @Override
    public int length(final E value)
    {
        return Integer.BYTES;
    }

    @Override
    public void write(final E value, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putInt(offset, value.ordinal(), ByteOrder.BIG_ENDIAN);
    }

    @Override
    public E read(final DirectBuffer buffer, final int offset, final int length)
    {
        final int ordinal = buffer.getInt(offset, ByteOrder.BIG_ENDIAN);
        if (length != Integer.BYTES || ordinal < 0 || ordinal >= constants.length)
        {
            throw new IllegalArgumentException("not a " + type.getName() + ": ordinal " + ordinal);
        }
        return constants[ordinal];
    }
}
