package dev.riffle.state;

import dev.riffle.api.functions.AggregateFunction;
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
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import dev.riffle.state.snapshot.KeyedStateHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The semantics every keyed state backend must have: each state type scoped to the current key,
 * defaults, clear, and snapshot/restore including restore of a sub-range of key groups (rescaling).
 * A backend's test extends this and says how to create its backend.
 */
public abstract class KeyedStateBackendContract
{
    protected static final int MAX_PARALLELISM = 128;

    @TempDir
    protected Path jobCheckpointRoot;

    protected Path checkpointDir;

    @org.junit.jupiter.api.BeforeEach
    void createCheckpointDirectory() throws java.io.IOException
    {
        checkpointDir = java.nio.file.Files.createDirectories(jobCheckpointRoot.resolve("chk-1"));
    }

    private final List<StateBackend> backends = new ArrayList<>();

    /**
     * @return a new, empty backend factory of the kind under test.
     */
    protected abstract StateBackend newStateBackend();

    @AfterEach
    void closeBackends()
    {
        backends.forEach(StateBackend::close);
    }

    protected KeyedStateBackend backend(final KeyGroupRange range)
    {
        final StateBackend factory = newStateBackend();
        backends.add(factory);
        return factory.createKeyedStateBackend(7, "op", 0, range, MAX_PARALLELISM);
    }

    protected static void key(final KeyedStateBackend backend, final Object key)
    {
        backend.setCurrentKey(key, KeyGroups.assignToKeyGroup(key, MAX_PARALLELISM));
    }

    /**
     * @return a backend over every key group holding {@code ValueState<Long>} "v" = {@code value} for the
     * key 1L.
     */
    protected KeyedStateBackend backendHoldingOneValue(final long value)
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ValueState<Long> state = backend.valueState(new ValueStateDescriptor<>("v", Long.class));
        key(backend, 1L);
        state.update(value);
        return backend;
    }

    @Test
    void valueStateIsScopedToTheCurrentKeyWithDefault()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ValueState<Integer> count = backend.valueState(new ValueStateDescriptor<>("count", Integer.class, 0));
        key(backend, "a");
        assertEquals(0, count.value());
        count.update(5);
        key(backend, "b");
        assertEquals(0, count.value());
        count.update(7);
        key(backend, "a");
        assertEquals(5, count.value());
        count.clear();
        assertEquals(0, count.value());
        key(backend, "b");
        assertEquals(7, count.value());
    }

    @Test
    void valueStateWithoutDefaultIsNullUntilSet()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ValueState<String> name = backend.valueState(new ValueStateDescriptor<>("name", String.class));
        key(backend, 42L);
        assertNull(name.value());
        name.update("x");
        assertEquals("x", name.value());
        name.update(null);
        assertNull(name.value());
    }

    @Test
    void longValueStateCountsPerKeyWithoutBoxing()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final LongValueState count = backend.longValueState(new LongValueStateDescriptor("count"));
        key(backend, "a");
        assertEquals(0, count.value());
        assertEquals(1, count.add(1));
        assertEquals(42, count.add(41));
        key(backend, "b");
        assertEquals(0, count.value());
        count.update(-7);
        assertEquals(-7, count.value());
        key(backend, "a");
        assertEquals(42, count.value());
        count.clear();
        assertEquals(0, count.value());
        assertEquals(5, count.add(5));
        count.update(Long.MAX_VALUE);
        assertEquals(Long.MIN_VALUE, count.add(1), "overflow wraps around as += does");
        key(backend, "b");
        assertEquals(-7, count.value());
    }

    @Test
    void longValueStateStartsAddsFromItsDefault()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final LongValueState balance = backend.longValueState(new LongValueStateDescriptor("balance", 100));
        key(backend, 1L);
        assertEquals(100, balance.value());
        assertEquals(90, balance.add(-10));
        assertEquals(95, balance.add(5));
        balance.update(0);
        assertEquals(0, balance.value(), "a stored 0 is a value, not the default");
        assertEquals(3, balance.add(3));
        balance.clear();
        assertEquals(100, balance.value());
        assertEquals(101, balance.add(1));
    }

    @Test
    void longValueStateAndValueStateOfLongAreDifferentStates()
    {
        final var registry = new StateRegistry("op");
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        registry.getOrCreate(new LongValueStateDescriptor("count"),
            () -> backend.longValueState(new LongValueStateDescriptor("count")));
        final IllegalStateException clash = assertThrows(IllegalStateException.class, () -> registry.getOrCreate(
            new ValueStateDescriptor<>("count", Long.class), () -> backend.valueState(
                new ValueStateDescriptor<>("count", Long.class))));
        assertTrue(clash.getMessage().contains("state 'count'") && clash.getMessage().contains(" of long"),
            clash.getMessage());
    }

    @Test
    void listStateAppendsUpdatesAndClears()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ListState<String> list = backend.listState(new ListStateDescriptor<>("list", String.class));
        key(backend, 1);
        assertFalse(list.get().iterator().hasNext());
        list.add("x");
        list.addAll(List.of("y", "z"));
        assertEquals(List.of("x", "y", "z"), toList(list.get()));
        key(backend, 2);
        list.add("other");
        key(backend, 1);
        list.update(List.of("only"));
        assertEquals(List.of("only"), toList(list.get()));
        list.clear();
        assertFalse(list.get().iterator().hasNext());
        key(backend, 2);
        assertEquals(List.of("other"), toList(list.get()));
        assertThrows(NullPointerException.class, () -> list.add(null));
    }

    @Test
    void mapStateBehavesAsAMapPerKey()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final MapState<String, Long> map = backend.mapState(new MapStateDescriptor<>("map", String.class, Long.class));
        key(backend, "k1");
        assertTrue(map.isEmpty());
        map.put("a", 1L);
        map.putAll(Map.of("b", 2L, "c", 3L));
        assertTrue(map.contains("a"));
        assertEquals(2L, map.get("b"));
        map.remove("a");
        assertFalse(map.contains("a"));
        final Map<String, Long> entries = new HashMap<>();
        map.entries().forEach(e -> entries.put(e.getKey(), e.getValue()));
        assertEquals(Map.of("b", 2L, "c", 3L), entries);
        assertEquals(2, toList(map.keys()).size());
        key(backend, "k2");
        assertTrue(map.isEmpty());
        assertNull(map.get("b"));
        key(backend, "k1");
        map.clear();
        assertTrue(map.isEmpty());
    }

    @Test
    void reducingAndAggregatingStatesFoldPerKey()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ReducingState<Long> sum = backend.reducingState(new ReducingStateDescriptor<>("sum", Long::sum, Long.class));
        final AggregatingState<Long, Double> avg = backend.aggregatingState(
            new AggregatingStateDescriptor<>("avg", new Average(), long[].class));
        key(backend, "x");
        assertNull(sum.get());
        assertNull(avg.get());
        for (long v = 1; v <= 4; v++)
        {
            sum.add(v);
            avg.add(v);
        }
        assertEquals(10L, sum.get());
        assertEquals(2.5, avg.get());
        key(backend, "y");
        sum.add(100L);
        assertEquals(100L, sum.get());
        key(backend, "x");
        sum.clear();
        avg.clear();
        assertNull(sum.get());
        assertNull(avg.get());
    }

    @Test
    void keyOutsideTheRangeIsRejected()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, 9));
        assertThrows(IllegalStateException.class, () -> backend.setCurrentKey("k", 100));
    }

    @Test
    void snapshotIsIsolatedFromLaterUpdatesAndRestores() throws Exception
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ValueState<Long> value = backend.valueState(new ValueStateDescriptor<>("v", Long.class));
        final ListState<String> list = backend.listState(new ListStateDescriptor<>("l", String.class));
        final LongValueState counter = backend.longValueState(new LongValueStateDescriptor("c"));
        for (long k = 0; k < 1000; k++)
        {
            key(backend, k);
            value.update(k * 10);
            list.add("e" + k);
            counter.add(k + 3);
        }
        final var snapshot = backend.snapshot(1);
        for (long k = 0; k < 1000; k++)
        {
            key(backend, k);
            value.update(-1L);
            list.add("late");
            counter.add(1);
        }
        final KeyedStateHandle handle = snapshot.write(checkpointDir, "op-7-0");

        final KeyedStateBackend restored = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        restored.restore(checkpointDir, List.of(handle));
        final ValueState<Long> restoredValue = restored.valueState(new ValueStateDescriptor<>("v", Long.class));
        final ListState<String> restoredList = restored.listState(new ListStateDescriptor<>("l", String.class));
        final LongValueState restoredCounter = restored.longValueState(new LongValueStateDescriptor("c"));
        for (long k = 0; k < 1000; k++)
        {
            key(restored, k);
            assertEquals(k * 10, restoredValue.value());
            assertEquals(List.of("e" + k), toList(restoredList.get()));
            assertEquals(k + 3, restoredCounter.value());
        }
    }

    @Test
    void restoreAtAnotherParallelismKeepsOnlyItsKeyGroups() throws Exception
    {
        final List<KeyedStateHandle> handles = new ArrayList<>();
        for (int instance = 0; instance < 2; instance++)
        {
            final KeyGroupRange range = KeyGroups.rangeForOperator(MAX_PARALLELISM, 2, instance);
            final KeyedStateBackend backend = backend(range);
            final ValueState<Long> value = backend.valueState(new ValueStateDescriptor<>("v", Long.class));
            final LongValueState counter = backend.longValueState(new LongValueStateDescriptor("c"));
            for (long k = 0; k < 2000; k++)
            {
                final int kg = KeyGroups.assignToKeyGroup(k, MAX_PARALLELISM);
                if (range.contains(kg))
                {
                    backend.setCurrentKey(k, kg);
                    value.update(k + 1);
                    counter.add(2 * k);
                }
            }
            handles.add(backend.snapshot(1).write(checkpointDir, "op-7-" + instance));
        }
        for (int instance = 0; instance < 3; instance++)
        {
            final KeyGroupRange range = KeyGroups.rangeForOperator(MAX_PARALLELISM, 3, instance);
            final KeyedStateBackend backend = backend(range);
            backend.restore(checkpointDir, handles);
            final ValueState<Long> value = backend.valueState(new ValueStateDescriptor<>("v", Long.class));
            final LongValueState counter = backend.longValueState(new LongValueStateDescriptor("c"));
            for (long k = 0; k < 2000; k++)
            {
                final int kg = KeyGroups.assignToKeyGroup(k, MAX_PARALLELISM);
                if (range.contains(kg))
                {
                    backend.setCurrentKey(k, kg);
                    assertEquals(k + 1, value.value(), "key " + k + " after rescaling 2 -> 3");
                    assertEquals(2 * k, counter.value(), "counter of key " + k + " after rescaling 2 -> 3");
                }
            }
        }
    }

    /**
     * Instances that asked for their states in different orders (as a function that first asks for a state
     * while processing a record does, in an order that depends on its records) restore together.
     */
    @Test
    void restoreAtAnotherParallelismOfInstancesThatRegisteredTheirStatesInOtherOrders() throws Exception
    {
        final List<KeyedStateHandle> handles = new ArrayList<>();
        for (int instance = 0; instance < 2; instance++)
        {
            final KeyGroupRange range = KeyGroups.rangeForOperator(MAX_PARALLELISM, 2, instance);
            final KeyedStateBackend backend = backend(range);
            final LongValueState counter;
            final ValueState<String> label;
            if (0 == instance)
            {
                counter = backend.longValueState(new LongValueStateDescriptor("c"));
                label = backend.valueState(new ValueStateDescriptor<>("label", String.class));
            }
            else
            {
                backend.valueState(new ValueStateDescriptor<>("only-here", Long.class));
                label = backend.valueState(new ValueStateDescriptor<>("label", String.class));
                counter = backend.longValueState(new LongValueStateDescriptor("c"));
            }
            for (long k = 0; k < 2000; k++)
            {
                final int kg = KeyGroups.assignToKeyGroup(k, MAX_PARALLELISM);
                if (range.contains(kg))
                {
                    backend.setCurrentKey(k, kg);
                    counter.add(3 * k);
                    label.update("k" + k);
                }
            }
            handles.add(backend.snapshot(1).write(checkpointDir, "op-7-" + instance));
        }
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        backend.restore(checkpointDir, handles);
        final ValueState<String> label = backend.valueState(new ValueStateDescriptor<>("label", String.class));
        final LongValueState counter = backend.longValueState(new LongValueStateDescriptor("c"));
        for (long k = 0; k < 2000; k++)
        {
            key(backend, k);
            assertEquals(3 * k, counter.value(), "counter of key " + k);
            assertEquals("k" + k, label.value(), "label of key " + k);
        }
    }

    private static <T> List<T> toList(final Iterable<T> iterable)
    {
        final List<T> list = new ArrayList<>();
        iterable.forEach(list::add);
        return list;
    }

    static final class Average implements AggregateFunction<Long, long[], Double>
    {
        @Override
        public long[] createAccumulator()
        {
            return new long[2];
        }

        @Override
        public long[] add(final Long value, final long[] acc)
        {
            return new long[]{acc[0] + value, acc[1] + 1};
        }

        @Override
        public Double getResult(final long[] acc)
        {
            return acc[0] / (double)acc[1];
        }

        @Override
        public long[] merge(final long[] a, final long[] b)
        {
            return new long[]{a[0] + b[0], a[1] + b[1]};
        }
    }
}
