package dev.riffle.state.offheap;

import dev.riffle.api.state.AggregatingState;
import dev.riffle.api.state.AggregatingStateDescriptor;
import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.LongValueState;
import dev.riffle.api.state.LongValueStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.api.state.ReducingState;
import dev.riffle.api.state.ReducingStateDescriptor;
import dev.riffle.api.state.StateDescriptor;
import dev.riffle.api.state.TypeSerializer;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import dev.riffle.api.state.serialization.Serializers;
import dev.riffle.api.state.serialization.UnsupportedTypeException;
import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.store.KeyedStore;
import org.agrona.ExpandableDirectByteBuffer;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Keyed state kept as serialized entries in a {@link KeyedStore}: the state types, the current key
 * and the serializer choice shared by the off-heap and the Chronicle backends, which differ only in
 * their store and in how they snapshot and restore it. Keys and values use the built-in serializers
 * ({@link Serializers}); a state whose type has none fails when it is registered, naming the state,
 * the operator and the type. Confined to the task thread.
 * <p>
 * <b>Long states.</b> When the operator's {@code keyBy} declared {@code Long} keys, every state whose
 * values serialize to 8 bytes — {@code LongValueState}, and value, reducing and aggregating states of a
 * fixed 8-byte type — is registered as a long state ({@link KeyedStore#registerLongState}): the key's
 * 8 serialized bytes and the value are all its entries hold, which the off-heap store keeps in tables
 * of 16-byte cells. A name restored from a checkpoint keeps the kind it was checkpointed with, so a job
 * that declares its key type later restores its older checkpoints as they were.
 */
abstract class StoreKeyedStateBackend implements KeyedStateBackend
{
    protected final KeyGroupRange keyGroups;
    protected final String operatorName;
    private final String storeDescription;
    /** Whether the operator's keys are declared {@code Long}: 8-byte values then go to long states. */
    private final boolean longKeys;
    private final CurrentKeyBytes currentKey = new CurrentKeyBytes();
    private final CollectionKeys collectionKeys = new CollectionKeys(currentKey);
    private final ExpandableDirectByteBuffer collectionValue = new ExpandableDirectByteBuffer(64);

    /**
     * @param keyGroups        the instance's key groups.
     * @param operatorName     for error messages.
     * @param keyType          the class of every key as {@code keyBy} declared it, or {@code Object}.
     * @param storeDescription where state is kept, for error messages ("off heap", "in Chronicle Map").
     * @throws IllegalStateException if a declared key type has no built-in serializer.
     */
    protected StoreKeyedStateBackend(final KeyGroupRange keyGroups, final String operatorName,
        final Class<?> keyType, final String storeDescription)
    {
        this.keyGroups = keyGroups;
        this.operatorName = operatorName;
        this.storeDescription = storeDescription;
        this.longKeys = keyType == Long.class;
        if (keyType != Object.class)
        {
            try
            {
                Serializers.forType(keyType);
            }
            catch (final UnsupportedTypeException ex)
            {
                throw new IllegalStateException("operator '" + operatorName + "': its keys, declared " +
                    keyType.getName() + ", cannot be kept " + storeDescription + ": " + ex.getMessage(), ex);
            }
        }
    }

    /**
     * @return the store the states read and write; may change only by a restore, before any state is used.
     */
    protected abstract KeyedStore store();

    @Override
    public void setCurrentKey(final Object key, final int keyGroup)
    {
        if (!keyGroups.contains(keyGroup))
        {
            throw new IllegalStateException("key group " + keyGroup + " of key " + key +
                " is outside this instance's range " + keyGroups);
        }
        try
        {
            currentKey.set(key, keyGroup);
        }
        catch (final UnsupportedTypeException ex)
        {
            throw new IllegalStateException("operator '" + operatorName + "': the key " + key + " cannot be kept " +
                storeDescription + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public Object currentKey()
    {
        return currentKey.key();
    }

    @Override
    public <T> ValueState<T> valueState(final ValueStateDescriptor<T> descriptor)
    {
        return value(descriptor, descriptor.type(), descriptor.defaultValue());
    }

    @Override
    public LongValueState longValueState(final LongValueStateDescriptor descriptor)
    {
        final KeyedStore store = store();
        return new OffHeapLongValueState(store, register(store, descriptor.name(), Long.BYTES), currentKey,
            descriptor.defaultValue());
    }

    @Override
    public <T> ListState<T> listState(final ListStateDescriptor<T> descriptor)
    {
        return new OffHeapListState<>(collectionParts(descriptor), serializer(descriptor, descriptor.type()));
    }

    @Override
    public <UK, UV> MapState<UK, UV> mapState(final MapStateDescriptor<UK, UV> descriptor)
    {
        if (descriptor.keyType() == Object.class)
        {
            throw new IllegalStateException("state '" + descriptor.name() + "' of operator '" + operatorName +
                "' cannot be kept " + storeDescription + ": its user keys are declared as Object, and Java " +
                "serialization does not promise equal bytes for equal keys (user keys are looked up by their " +
                "bytes); declare the user key type");
        }
        return new OffHeapMapState<>(collectionParts(descriptor), serializer(descriptor, descriptor.keyType()),
            serializer(descriptor, descriptor.type()));
    }

    @Override
    public <T> ReducingState<T> reducingState(final ReducingStateDescriptor<T> descriptor)
    {
        return new OffHeapReducingState<>(value(descriptor, descriptor.type(), null), descriptor.reduceFunction());
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> aggregatingState(
        final AggregatingStateDescriptor<IN, ACC, OUT> descriptor)
    {
        return new OffHeapAggregatingState<>(value(descriptor, descriptor.type(), null), descriptor.aggregateFunction());
    }

    /**
     * @param handles handles of a checkpoint.
     * @param format  the format this backend writes.
     * @return the handles holding key groups of this instance.
     * @throws IOException if a handle was written by another backend.
     */
    protected final List<KeyedStateHandle> handlesToRestore(final List<KeyedStateHandle> handles, final String format)
        throws IOException
    {
        for (final KeyedStateHandle handle : handles)
        {
            if (!format.equals(handle.format()))
            {
                final String backend = format.substring(0, format.lastIndexOf('-') + 1);
                throw new IOException("state of operator '" + operatorName + "' was checkpointed in format '" +
                    handle.format() + "', this backend reads '" + format + (handle.format().startsWith(backend) ?
                    "': the checkpoint was taken by an older version of Riffle, whose state this one cannot read" :
                    "': restore with the backend that took the checkpoint"));
            }
        }
        return handles.stream().filter(h -> h.intersects(keyGroups.start(), keyGroups.end())).toList();
    }

    private CollectionParts collectionParts(final StateDescriptor<?> descriptor)
    {
        final KeyedStore store = store();
        return new CollectionParts(store, store.registerState(descriptor.name()),
            descriptor.kind().toString().toLowerCase(Locale.ROOT) + " state '" + descriptor.name() +
            "' of operator '" + operatorName + "'", currentKey, collectionKeys, collectionValue);
    }

    private <T> OffHeapValueState<T> value(final StateDescriptor<?> descriptor, final Class<T> type, final T defaultValue)
    {
        final KeyedStore store = store();
        final TypeSerializer<T> serializer = serializer(descriptor, type);
        return new OffHeapValueState<>(store, register(store, descriptor.name(), serializer.fixedLength()),
            currentKey, new StateCodec<>(serializer), defaultValue);
    }

    /**
     * Registers a state whose values are {@code valueLength} bytes ({@link TypeSerializer#VARIABLE_LENGTH} if
     * they vary): as a long state if the keys are declared {@code Long}, the values are 8 bytes and the
     * store has no state of that name yet (one restored keeps its kind), else as a byte state.
     */
    private int register(final KeyedStore store, final String name, final int valueLength)
    {
        return longKeys && Long.BYTES == valueLength && !store.stateNames().contains(name) ?
            store.registerLongState(name) : store.registerState(name);
    }

    @SuppressWarnings("unchecked")
    private <T> TypeSerializer<T> serializer(final StateDescriptor<?> descriptor, final Class<T> type)
    {
        if (type == Object.class)
        {
            return (TypeSerializer<T>)new JavaObjectSerializer(descriptor.name());
        }
        try
        {
            return Serializers.forType(type);
        }
        catch (final UnsupportedTypeException ex)
        {
            throw new IllegalStateException("state '" + descriptor.name() + "' of operator '" + operatorName +
                "' cannot be kept " + storeDescription + ": " + ex.getMessage(), ex);
        }
    }
}
