package dev.riffle.state;

/**
 * Key-group arithmetic, identical to Flink's so that the same key lands in the same key group and
 * the same operator instance: {@code keyGroup = murmur(key.hashCode()) mod maxParallelism} and
 * {@code instance = keyGroup * parallelism / maxParallelism}. State is stored per key group, so a
 * checkpoint can be restored at another parallelism by handing each new instance a contiguous
 * range of key groups. Stateless and thread-safe; allocation-free.
 */
public final class KeyGroups
{
    private KeyGroups()
    {
    }

    /**
     * @param key            a non-null key. Enums hash by name, because an enum's
     *                       {@code hashCode()} is an identity hash that changes between JVM runs.
     * @param maxParallelism number of key groups.
     * @return the key group of the key, in [0, maxParallelism).
     * @throws NullPointerException if the key is null.
     */
    public static int assignToKeyGroup(final Object key, final int maxParallelism)
    {
        return computeKeyGroupForKeyHash(stableHashCode(key), maxParallelism);
    }

    /**
     * @param key a non-null key.
     * @return {@code key.hashCode()}, except for enums, which hash by name.
     */
    public static int stableHashCode(final Object key)
    {
        if (null == key)
        {
            throw new NullPointerException("key selector returned null: keys must not be null");
        }
        return key instanceof Enum<?> e ? e.name().hashCode() : key.hashCode();
    }

    /**
     * @param keyHash        the key's hash code.
     * @param maxParallelism number of key groups.
     * @return the key group, in [0, maxParallelism).
     */
    public static int computeKeyGroupForKeyHash(final int keyHash, final int maxParallelism)
    {
        return (murmurFinish(keyHash) & 0x7fff_ffff) % maxParallelism;
    }

    /**
     * @param keyGroup       a key group.
     * @param maxParallelism number of key groups.
     * @param parallelism    number of operator instances.
     * @return the instance that owns the key group.
     */
    public static int operatorIndexForKeyGroup(final int keyGroup, final int maxParallelism, final int parallelism)
    {
        return keyGroup * parallelism / maxParallelism;
    }

    /**
     * @param maxParallelism number of key groups.
     * @param parallelism    number of operator instances.
     * @param operatorIndex  an instance.
     * @return the contiguous key groups owned by that instance (the inverse of
     * {@link #operatorIndexForKeyGroup(int, int, int)}).
     */
    public static KeyGroupRange rangeForOperator(final int maxParallelism, final int parallelism, final int operatorIndex)
    {
        final int start = (operatorIndex * maxParallelism + parallelism - 1) / parallelism;
        final int end = ((operatorIndex + 1) * maxParallelism - 1) / parallelism;
        return new KeyGroupRange(start, end);
    }

    /**
     * Murmur3's 32-bit mixing of one int block, with its finalisation, as Flink's
     * {@code MathUtils.murmurHash}: spreads poor {@code hashCode()}s (small integers, strings with
     * common prefixes) evenly over the key groups.
     *
     * @param code a hash code.
     * @return the mixed hash.
     */
    static int murmurFinish(final int code)
    {
        int h = code;
        h *= 0xcc9e2d51;
        h = Integer.rotateLeft(h, 15);
        h *= 0x1b873593;
        h = Integer.rotateLeft(h, 13);
        h = h * 5 + 0xe6546b64;
        h ^= 4;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h >= 0 ? h : (h != Integer.MIN_VALUE ? -h : 0);
    }
}
