package dev.riffle.store;

import org.agrona.DirectBuffer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Keyed tables by key group and state, off the Java heap: what the engine's keyed state backends code
 * against. {@link PagedKeyedStore} is the default (copy-on-write, incremental snapshots);
 * {@link dev.riffle.store.chronicle.ChronicleKeyedStore} the Chronicle Map alternative (synchronous
 * full copies).
 * <p>
 * <b>Addressing.</b> An entry is addressed by (key group, state id, key). Key groups are ints of the
 * store's range [{@link #firstKeyGroup()}, {@link #lastKeyGroup()}] computed by the caller from the key
 * (the store never hashes a key to its key group, so that all states of a key move together when a job
 * is rescaled); state ids come from {@link #registerState(String)}. A key group outside the range is
 * rejected with {@link IllegalArgumentException}.
 * <p>
 * <b>Threading.</b> One writer thread owns a store: every method is called by it, and only by it.
 * Snapshots are written by a thread of the store's own; their results arrive through futures.
 * <p>
 * <b>Buffers.</b> Keys and values are passed as (buffer, offset, length) and copied in; the caller keeps
 * ownership. What the store hands out ({@link ValueView}, the buffers passed to an {@link EntryVisitor})
 * points into the store and is valid only until the next mutation of the store; never write through it.
 * <p>
 * <b>Fixed-size values.</b> The {@code long} methods read and write an 8-byte value in native byte
 * order; the {@code int} and {@code double} methods keep their value in the same 8 bytes (sign-extended,
 * raw IEEE 754 bits), so they are as fast and an increment never goes through an object. A long key is the same entry as its 8 bytes in native order passed as a byte key, so both paths
 * see the same entries. Using them on an entry whose value is not 8 bytes long throws
 * {@link IllegalStateException}.
 * <p>
 * <b>Unchanged values.</b> Storing the value an entry already has (the same length and bytes) is not a
 * change: {@link PagedKeyedStore} then writes nothing, so a running snapshot needs no copy of the entry's
 * line and the next incremental snapshot does not save it.
 */
public interface KeyedStore extends AutoCloseable
{
    /**
     * @return first key group of the store's range.
     */
    int firstKeyGroup();

    /**
     * @return last key group of the store's range (inclusive).
     */
    int lastKeyGroup();

    /**
     * Registers a state name, or finds it again.
     *
     * @param name state name.
     * @return its id, a small int, stable for the store's life and recorded by name in snapshots.
     */
    int registerState(String name);

    /**
     * Registers a long state, or finds it again: a state whose entries are all a long key with an 8-byte
     * value (long, int or double), which a store may keep in a denser form than a byte state's —
     * {@link PagedKeyedStore} keeps it in tables of 16-byte cells of its own, half the memory, so a lookup
     * at random runs closer to a primitive hash map's speed. The long-key methods serve it as they serve a
     * byte state; a byte-key method takes an 8-byte key (its bytes in native order: the same entry as the
     * long) and, where it takes a value, an 8-byte value; any other length throws
     * {@link IllegalArgumentException}. Whether a state is a long state is recorded in snapshots.
     *
     * @param name state name.
     * @return its id, from the same numbering as {@link #registerState}'s.
     * @throws IllegalStateException if the store keeps long states apart and the name is registered as a
     *                               byte state.
     */
    int registerLongState(String name);

    /**
     * @return registered state names, indexed by state id.
     */
    List<String> stateNames();

    /**
     * @param stateId a state id.
     * @return whether the state was registered (or restored) as a long state; false for an unknown id.
     */
    boolean isLongState(int stateId);

    // ------------------------------------------------------------------ long key → long value

    /**
     * @param keyGroup     key group of the key.
     * @param stateId      from {@link #registerState}.
     * @param key          the key.
     * @param missingValue returned when the key is absent.
     * @return the value, or {@code missingValue}.
     */
    long getLong(int keyGroup, int stateId, long key, long missingValue);

    /**
     * Stores an 8-byte value, in place if the key exists.
     *
     * @param keyGroup key group of the key.
     * @param stateId  from {@link #registerState}.
     * @param key      the key.
     * @param value    the value.
     */
    void putLong(int keyGroup, int stateId, long key, long value);

    /**
     * Adds to the 8-byte value in place; a missing key counts as 0.
     *
     * @param keyGroup key group of the key.
     * @param stateId  from {@link #registerState}.
     * @param key      the key.
     * @param delta    what to add.
     * @return the new value.
     */
    long addLong(int keyGroup, int stateId, long key, long delta);

    /**
     * @param keyGroup key group of the key.
     * @param stateId  from {@link #registerState}.
     * @param key      the key.
     * @return true if the key was present.
     */
    boolean removeLong(int keyGroup, int stateId, long key);

    // ------------------------------------------------------------------ long key → int or double value

    /**
     * An int value, kept as the entry's 8-byte value sign-extended: {@link #getLong} sees it as a long.
     *
     * @param keyGroup     key group of the key.
     * @param stateId      from {@link #registerState}.
     * @param key          the key.
     * @param missingValue returned when the key is absent.
     * @return the value, or {@code missingValue}.
     * @throws IllegalStateException if the entry's value is not 8 bytes, or holds a long outside the int
     *                               range (it was not written as an int).
     */
    default int getInt(final int keyGroup, final int stateId, final long key, final int missingValue)
    {
        // Long.MIN_VALUE cannot be an int's sign extension, so it marks absence unambiguously
        final long value = getLong(keyGroup, stateId, key, Long.MIN_VALUE);
        if (Long.MIN_VALUE == value)
        {
            return missingValue;
        }
        if ((int)value != value)
        {
            throw new IllegalStateException("entry holds the long " + value + ", not an int");
        }
        return (int)value;
    }

    /**
     * Stores an int value (sign-extended to the entry's 8 bytes), in place if the key exists.
     *
     * @param keyGroup key group of the key.
     * @param stateId  from {@link #registerState}.
     * @param key      the key.
     * @param value    the value.
     */
    default void putInt(final int keyGroup, final int stateId, final long key, final int value)
    {
        putLong(keyGroup, stateId, key, value);
    }

    /**
     * Adds to an int value in place with int arithmetic (it wraps around on overflow, as {@code +=} on an
     * int does); a missing key counts as 0.
     *
     * @param keyGroup key group of the key.
     * @param stateId  from {@link #registerState}.
     * @param key      the key.
     * @param delta    what to add.
     * @return the new value.
     */
    default int addInt(final int keyGroup, final int stateId, final long key, final int delta)
    {
        final long sum = addLong(keyGroup, stateId, key, delta);
        final int wrapped = (int)sum;
        if (wrapped != sum)
        {
            putLong(keyGroup, stateId, key, wrapped);
        }
        return wrapped;
    }

    /**
     * A double value, kept as the entry's 8-byte value (its raw IEEE 754 bits, so NaN payloads and -0.0
     * survive).
     *
     * @param keyGroup     key group of the key.
     * @param stateId      from {@link #registerState}.
     * @param key          the key.
     * @param missingValue returned when the key is absent.
     * @return the value, or {@code missingValue}.
     */
    default double getDouble(final int keyGroup, final int stateId, final long key, final double missingValue)
    {
        final long bits = getLong(keyGroup, stateId, key, ABSENT_BITS);
        if (ABSENT_BITS == bits && ~ABSENT_BITS == getLong(keyGroup, stateId, key, ~ABSENT_BITS))
        {
            return missingValue; // both sentinels came back: the key is absent
        }
        return Double.longBitsToDouble(bits);
    }

    /**
     * Stores a double value (its raw bits), in place if the key exists.
     *
     * @param keyGroup key group of the key.
     * @param stateId  from {@link #registerState}.
     * @param key      the key.
     * @param value    the value.
     */
    default void putDouble(final int keyGroup, final int stateId, final long key, final double value)
    {
        putLong(keyGroup, stateId, key, Double.doubleToRawLongBits(value));
    }

    /**
     * Adds to a double value; a missing key counts as 0.0. Implementations that can update in place with
     * one lookup override this get-then-put.
     *
     * @param keyGroup key group of the key.
     * @param stateId  from {@link #registerState}.
     * @param key      the key.
     * @param delta    what to add.
     * @return the new value.
     */
    default double addDouble(final int keyGroup, final int stateId, final long key, final double delta)
    {
        final double value = getDouble(keyGroup, stateId, key, 0.0) + delta;
        putDouble(keyGroup, stateId, key, value);
        return value;
    }

    /**
     * A NaN bit pattern used to tell an absent double from a stored one; a stored value with exactly
     * these bits costs {@link #getDouble} a second lookup with the complementary pattern.
     */
    long ABSENT_BITS = 0x7FF8_DEAD_BEEF_0001L;

    // ------------------------------------------------------------------ byte key → long value

    /**
     * @param keyGroup     key group of the key.
     * @param stateId      from {@link #registerState}.
     * @param key          buffer holding the key.
     * @param keyOffset    where it starts.
     * @param keyLength    its length, 0 or more.
     * @param missingValue returned when the key is absent.
     * @return the 8-byte value, or {@code missingValue}.
     */
    long getLong(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength, long missingValue);

    /**
     * Stores an 8-byte value under a byte key, in place if the key exists with an 8-byte value.
     *
     * @param keyGroup  key group of the key.
     * @param stateId   from {@link #registerState}.
     * @param key       buffer holding the key.
     * @param keyOffset where it starts.
     * @param keyLength its length, 0 or more.
     * @param value     the value.
     */
    void putLong(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength, long value);

    /**
     * Adds to an 8-byte value in place, e.g. a String → count counter; a missing key counts as 0.
     *
     * @param keyGroup  key group of the key.
     * @param stateId   from {@link #registerState}.
     * @param key       buffer holding the key.
     * @param keyOffset where it starts.
     * @param keyLength its length, 0 or more.
     * @param delta     what to add.
     * @return the new value.
     */
    long addLong(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength, long delta);

    // ------------------------------------------------------------------ byte key → byte value

    /**
     * @param keyGroup  key group of the key.
     * @param stateId   from {@link #registerState}.
     * @param key       buffer holding the key.
     * @param keyOffset where it starts.
     * @param keyLength its length, 0 or more.
     * @return a reused view of the value, valid until the next mutation of the store; null if absent.
     */
    ValueView get(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength);

    /**
     * Stores a value, in place when the key exists with a value of the same length.
     *
     * @param keyGroup    key group of the key.
     * @param stateId     from {@link #registerState}.
     * @param key         buffer holding the key.
     * @param keyOffset   where it starts.
     * @param keyLength   its length, 0 or more.
     * @param value       buffer holding the value.
     * @param valueOffset where it starts.
     * @param valueLength its length, 0 or more.
     * @throws IllegalArgumentException if key plus value exceed {@link #maxEntrySize()}.
     */
    void put(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength,
        DirectBuffer value, int valueOffset, int valueLength);

    /**
     * @param keyGroup  key group of the key.
     * @param stateId   from {@link #registerState}.
     * @param key       buffer holding the key.
     * @param keyOffset where it starts.
     * @param keyLength its length, 0 or more.
     * @return true if the key was present.
     */
    boolean remove(int keyGroup, int stateId, DirectBuffer key, int keyOffset, int keyLength);

    /**
     * @return the largest key length plus value length one entry may have.
     */
    int maxEntrySize();

    // ------------------------------------------------------------------ iteration

    /**
     * Visits the entries of one state in one key group, in no particular order, without allocating.
     * The visitor must not modify the store.
     *
     * @param keyGroup the key group.
     * @param stateId  the state, or -1 for every state.
     * @param visitor  receives each entry.
     */
    void forEach(int keyGroup, int stateId, EntryVisitor visitor);

    /**
     * Visits the entries of one state in a range of key groups (e.g. all timers of a state).
     *
     * @param firstKeyGroup first key group, inside the store's range.
     * @param lastKeyGroup  last key group (inclusive), inside the store's range.
     * @param stateId       the state, or -1 for every state.
     * @param visitor       receives each entry.
     */
    default void forEach(final int firstKeyGroup, final int lastKeyGroup, final int stateId, final EntryVisitor visitor)
    {
        for (int keyGroup = firstKeyGroup; keyGroup <= lastKeyGroup; keyGroup++)
        {
            forEach(keyGroup, stateId, visitor);
        }
    }

    // ------------------------------------------------------------------ snapshots

    /**
     * Starts a snapshot of the store as it is now and returns at once; the store's snapshot thread
     * writes it to {@code targetDirectory} while the writer goes on. Successive snapshots into the same
     * directory are incremental: their manifests refer to unchanged page files of earlier ones (see
     * {@link #subsume(long)}). How much the writer pays depends on the store: O(1) plus copy-on-write
     * for {@link PagedKeyedStore}, a full copy for the Chronicle store.
     *
     * @param snapshotId      caller's id, increasing; names the manifest
     *                        ({@code <store>-<snapshotId>.manifest} in {@code targetDirectory}).
     * @param targetDirectory where the manifest and data files go; created if absent.
     * @return the running snapshot; its {@link SnapshotHandle#result()} completes when the manifest is
     * durable, or exceptionally.
     */
    SnapshotHandle snapshot(long snapshotId, Path targetDirectory);

    /**
     * Releases a completed snapshot taken with {@link #snapshot(long, Path)}: its manifest is deleted, and
     * so is every data file no other retained snapshot (nor the next incremental snapshot) refers to.
     * Runs on the snapshot thread, after snapshots already started.
     *
     * @param snapshotId the snapshot to release; unknown ids are ignored.
     * @return completes with the number of files deleted.
     */
    CompletableFuture<Integer> subsume(long snapshotId);

    /**
     * Releases the store's memory and deletes its working files — after a snapshot still being written
     * is done with them. The store must not be used afterwards.
     */
    @Override
    void close();
}
