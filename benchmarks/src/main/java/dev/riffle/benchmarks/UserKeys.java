package dev.riffle.benchmarks;

/**
 * The String keys of the String → long benchmarks, {@code "user-<id>"}, written without allocating:
 * as ASCII bytes for the store (the engine's key serializer writes a String key's bytes the same way)
 * and into a {@link StringBuilder} for Chronicle Map. Both are written two digits per division from a
 * table, as {@code StringBuilder.append(int)} does in the JDK, so that neither side pays more than the
 * other for making its key.
 */
final class UserKeys
{
    /** The longest key: {@code "user-"} and the ten digits of {@link Integer#MAX_VALUE}. */
    static final int MAX_LENGTH = 15;
    private static final byte[] PREFIX = {'u', 's', 'e', 'r', '-'};
    /** "00", "01" … "99": two ASCII digits per entry. */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static
    {
        for (int i = 0; i < 100; i++)
        {
            DIGIT_PAIRS[i << 1] = (byte)('0' + i / 10);
            DIGIT_PAIRS[(i << 1) + 1] = (byte)('0' + i % 10);
        }
    }

    private UserKeys()
    {
    }

    /**
     * Writes {@code "user-" + id} as ASCII from index 0 of {@code bytes}.
     *
     * @param id    a non-negative id.
     * @param bytes at least {@link #MAX_LENGTH} bytes.
     * @return the key's length.
     */
    static int encode(final int id, final byte[] bytes)
    {
        System.arraycopy(PREFIX, 0, bytes, 0, PREFIX.length);
        final int length = PREFIX.length + digits(id);
        int i = length;
        int value = id;
        while (value >= 100)
        {
            final int quotient = value / 100;
            final int pair = (value - quotient * 100) << 1;
            bytes[--i] = DIGIT_PAIRS[pair + 1];
            bytes[--i] = DIGIT_PAIRS[pair];
            value = quotient;
        }
        if (value >= 10)
        {
            bytes[--i] = DIGIT_PAIRS[(value << 1) + 1];
            bytes[--i] = DIGIT_PAIRS[value << 1];
        }
        else
        {
            bytes[--i] = (byte)('0' + value);
        }
        return length;
    }

    /**
     * Replaces the builder's content with {@code "user-" + id}.
     */
    static void build(final int id, final StringBuilder key)
    {
        key.setLength(0);
        key.append("user-").append(id);
    }

    /**
     * @return decimal digits of a non-negative int.
     */
    private static int digits(final int value)
    {
        int digits = 1;
        for (long bound = 10; bound <= value; bound *= 10)
        {
            digits++;
        }
        return digits;
    }
}
