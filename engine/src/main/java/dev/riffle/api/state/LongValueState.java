package dev.riffle.api.state;

/**
 * A {@code long} per key, read and changed without boxing: the state for counters, sums and sequence
 * numbers on the hot path, where {@code ValueState<Long>} would box a {@code Long} on every read and
 * every update.
 * <p>
 * On the off-heap and Chronicle backends each operation is one lookup of the current key in the store
 * and allocates nothing; {@link #add} changes the stored value in place (no read-modify-write through
 * a serializer). On the heap backend values are kept as {@code Long} objects, so updates box as
 * {@code ValueState<Long>} does.
 * <p>
 * It is a state of its own: a name registered as a {@code LongValueState} cannot also be registered as
 * a {@code ValueState<Long>} in the same operator (the second registration fails), because the
 * backends store the two differently.
 */
public interface LongValueState extends State
{
    /**
     * @return the current key's value, or the descriptor's default if it has none.
     */
    long value();

    /**
     * @param value the current key's new value.
     */
    void update(long value);

    /**
     * Adds to the current key's value, a key without one counting as the descriptor's default.
     * Overflow wraps around, as {@code +=} on a {@code long} does.
     *
     * @param delta what to add.
     * @return the new value.
     */
    long add(long delta);
}
