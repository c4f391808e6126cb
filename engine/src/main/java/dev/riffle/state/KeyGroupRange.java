package dev.riffle.state;

/**
 * A contiguous, inclusive range of key groups owned by one operator instance.
 *
 * @param start first key group, inclusive.
 * @param end   last key group, inclusive; {@code end < start} means empty.
 */
public record KeyGroupRange(int start, int end)
{
    /**
     * @param keyGroup a key group.
     * @return true if it is in the range.
     */
    public boolean contains(final int keyGroup)
    {
        return keyGroup >= start && keyGroup <= end;
    }

    /**
     * @return number of key groups in the range.
     */
    public int size()
    {
        return Math.max(0, end - start + 1);
    }
}
