package dev.riffle.runtime.operators;

import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.KeySelector;
import dev.riffle.runtime.channel.ChannelWriter;
import dev.riffle.state.Exceptions;
import dev.riffle.state.KeyGroups;

/**
 * {@code keyBy} routing: extracts the key, assigns its key group (murmur of the key's hash modulo
 * max parallelism) and sends the record with key and key group to the instance owning that group.
 * The consumer therefore neither re-extracts nor re-hashes the key.
 */
public final class KeyGroupOutput implements Collector<Object>
{
    private final KeySelector<Object, Object> keySelector;
    private final Class<?> keyType;
    private final String consumerName;
    private final ChannelWriter[] writers;
    private final RecordContext recordContext;
    private final int maxParallelism;

    /**
     * @param keySelector    extracts the key; a null key fails the job.
     * @param keyType        the class every key must have, as {@code keyBy} declared it ({@code Object}
     *                       if it did not); a key of another class fails the job.
     * @param consumerName   the keyed operator's name, for that failure.
     * @param writers        one channel per consumer instance, by consumer index.
     * @param recordContext  source of the current record's timestamp.
     * @param maxParallelism number of key groups.
     */
    public KeyGroupOutput(
        final KeySelector<Object, Object> keySelector,
        final Class<?> keyType,
        final String consumerName,
        final ChannelWriter[] writers,
        final RecordContext recordContext,
        final int maxParallelism)
    {
        this.keySelector = keySelector;
        this.keyType = keyType;
        this.consumerName = consumerName;
        this.writers = writers.clone();
        this.recordContext = recordContext;
        this.maxParallelism = maxParallelism;
    }

    @Override
    public void collect(final Object record)
    {
        final Object key;
        try
        {
            key = keySelector.getKey(record);
        }
        catch (final Exception ex)
        {
            throw Exceptions.rethrow(ex);
        }
        if (null != key && !keyType.isInstance(key))
        {
            throw new IllegalStateException("the keyBy before '" + consumerName + "' declared keys of " +
                keyType.getName() + ", its key selector returned the " + key.getClass().getName() + " " + key);
        }
        final int keyGroup = KeyGroups.assignToKeyGroup(key, maxParallelism);
        final int target = KeyGroups.operatorIndexForKeyGroup(keyGroup, maxParallelism, writers.length);
        writers[target].writeRecord(record, key, keyGroup, recordContext.timestamp());
    }
}
