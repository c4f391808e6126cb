package dev.riffle.state.offheap;

import dev.riffle.api.state.LongValueState;
import dev.riffle.api.state.LongValueStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.api.state.ReducingState;
import dev.riffle.api.state.ReducingStateDescriptor;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyGroups;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.StateBackend;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.store.KeyedStore;
import dev.riffle.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keyed state of operators whose {@code keyBy} declared {@code Long} keys, on the off-heap and the
 * Chronicle backends: states of 8-byte values are long states, the others byte states, and all of them
 * behave, snapshot and restore (whole and in halves, as at another parallelism) as with undeclared keys;
 * a checkpoint taken with undeclared keys restores into a backend that declares them.
 */
class DeclaredLongKeysTest
{
    private static final int MAX_PARALLELISM = 128;
    private static final KeyGroupRange ALL = new KeyGroupRange(0, MAX_PARALLELISM - 1);

    @TempDir
    Path root;

    private final List<StateBackend> factories = new ArrayList<>();

    @AfterEach
    void close()
    {
        factories.forEach(StateBackend::close);
    }

    private StoreKeyedStateBackend backend(final String kind, final KeyGroupRange range, final Class<?> keyType)
    {
        final StateBackend factory = kind.equals("offheap") ? new OffHeapStateBackend(null, new StoreOptions(4096, 64)) :
            new ChronicleMapStateBackend(null);
        factories.add(factory);
        return (StoreKeyedStateBackend)factory.createKeyedStateBackend(3, "op", 0, range, MAX_PARALLELISM, keyType);
    }

    private static void key(final KeyedStateBackend backend, final long key)
    {
        backend.setCurrentKey(key, KeyGroups.assignToKeyGroup(key, MAX_PARALLELISM));
    }

    private static boolean isLong(final StoreKeyedStateBackend backend, final String state)
    {
        final KeyedStore store = backend.store();
        final int id = store.stateNames().indexOf(state);
        assertTrue(id >= 0, state);
        return store.isLongState(id);
    }

    /** The states of one backend, registered in the same way each time. */
    private record States(LongValueState count, ValueState<Long> last, ValueState<Double> mean,
        ValueState<String> name, ReducingState<Long> sum, MapState<Integer, Long> seen)
    {
        static States of(final KeyedStateBackend backend)
        {
            return new States(
                backend.longValueState(new LongValueStateDescriptor("count")),
                backend.valueState(new ValueStateDescriptor<>("last", Long.class)),
                backend.valueState(new ValueStateDescriptor<>("mean", Double.class)),
                backend.valueState(new ValueStateDescriptor<>("name", String.class)),
                backend.reducingState(new ReducingStateDescriptor<>("sum", Long::sum, Long.class)),
                backend.mapState(new MapStateDescriptor<>("seen", Integer.class, Long.class)));
        }
    }

    /** What the states must hold for one key. */
    private record Expected(long count, Long last, Double mean, String name, Long sum, Map<Integer, Long> seen)
    {
    }

    @ParameterizedTest
    @ValueSource(strings = {"offheap", "chronicle"})
    void eightByteStatesOfLongKeysAreLongStatesAndRestoreInHalves(final String kind) throws Exception
    {
        final StoreKeyedStateBackend backend = backend(kind, ALL, Long.class);
        final States states = States.of(backend);
        assertTrue(isLong(backend, "count") && isLong(backend, "last") && isLong(backend, "mean") &&
            isLong(backend, "sum"), "8-byte values of Long keys");
        assertFalse(isLong(backend, "name") || isLong(backend, "seen"), "a String and a map are byte states");

        final Map<Long, Expected> model = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++)
        {
            final long k = random.nextLong(-500, 500) * 1_000_003L;
            key(backend, k);
            final Expected before = model.getOrDefault(k, new Expected(0, null, null, null, null, Map.of()));
            final Map<Integer, Long> seen = new HashMap<>(before.seen());
            final Expected after;
            switch (random.nextInt(6))
            {
                case 0 -> after = new Expected(states.count().add(3), before.last(), before.mean(), before.name(),
                    before.sum(), seen);
                case 1 ->
                {
                    states.last().update((long)i);
                    states.mean().update(i / 7.0);
                    after = new Expected(before.count(), (long)i, i / 7.0, before.name(), before.sum(), seen);
                }
                case 2 ->
                {
                    states.name().update("k" + i);
                    after = new Expected(before.count(), before.last(), before.mean(), "k" + i, before.sum(), seen);
                }
                case 3 ->
                {
                    states.sum().add((long)i);
                    after = new Expected(before.count(), before.last(), before.mean(), before.name(),
                        null == before.sum() ? (long)i : before.sum() + i, seen);
                }
                case 4 ->
                {
                    states.seen().put(i & 7, (long)i);
                    seen.put(i & 7, (long)i);
                    after = new Expected(before.count(), before.last(), before.mean(), before.name(), before.sum(), seen);
                }
                default ->
                {
                    states.count().clear();
                    states.last().clear();
                    after = new Expected(0, null, before.mean(), before.name(), before.sum(), seen);
                }
            }
            model.put(k, after);
        }
        check(backend, states, model);

        final KeyedStateHandle handle = backend.snapshot(1).write(Files.createDirectories(root.resolve("chk-1")), "op-3-0");
        final List<StoreKeyedStateBackend> halves = List.of(
            backend(kind, new KeyGroupRange(0, 63), Long.class), backend(kind, new KeyGroupRange(64, 127), Long.class));
        final Map<Long, Expected> restored = new HashMap<>();
        for (final StoreKeyedStateBackend half : halves)
        {
            half.restore(root.resolve("chk-1"), List.of(handle));
            final States halfStates = States.of(half);
            // Chronicle's copies record state names only: its restored states are byte states, which
            // serve 8-byte keys and values alike
            assertEquals(kind.equals("offheap"), isLong(half, "count") && isLong(half, "sum"),
                "restored with the kind recorded in the snapshot");
            final Map<Long, Expected> own = new HashMap<>();
            model.forEach((k, expected) ->
            {
                if (half.keyGroups.contains(KeyGroups.assignToKeyGroup(k, MAX_PARALLELISM)))
                {
                    own.put(k, expected);
                }
            });
            check(half, halfStates, own);
            restored.putAll(own);
        }
        assertEquals(model.keySet(), restored.keySet());
    }

    private static void check(final KeyedStateBackend backend, final States states, final Map<Long, Expected> model)
    {
        model.forEach((k, expected) ->
        {
            key(backend, k);
            assertEquals(expected.count(), states.count().value(), "count of " + k);
            assertEquals(expected.last(), states.last().value(), "last of " + k);
            assertEquals(expected.mean(), states.mean().value(), "mean of " + k);
            assertEquals(expected.name(), states.name().value(), "name of " + k);
            assertEquals(expected.sum(), states.sum().get(), "sum of " + k);
            final Map<Integer, Long> seen = new HashMap<>();
            try
            {
                for (final Map.Entry<Integer, Long> entry : states.seen().entries())
                {
                    seen.put(entry.getKey(), entry.getValue());
                }
            }
            catch (final Exception ex)
            {
                throw new AssertionError(ex);
            }
            assertEquals(expected.seen(), seen, "seen of " + k);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"offheap", "chronicle"})
    void aCheckpointOfUndeclaredKeysRestoresIntoABackendThatDeclaresThem(final String kind) throws Exception
    {
        final StoreKeyedStateBackend undeclared = backend(kind, ALL, Object.class);
        final LongValueState count = undeclared.longValueState(new LongValueStateDescriptor("count"));
        for (long k = 0; k < 300; k++)
        {
            key(undeclared, k);
            count.add(k + 1);
        }
        assertFalse(isLong(undeclared, "count"));
        final KeyedStateHandle handle =
            undeclared.snapshot(1).write(Files.createDirectories(root.resolve("chk-1")), "op-3-0");

        final StoreKeyedStateBackend declared = backend(kind, ALL, Long.class);
        declared.restore(root.resolve("chk-1"), List.of(handle));
        final LongValueState restored = declared.longValueState(new LongValueStateDescriptor("count"));
        assertFalse(isLong(declared, "count"), "a restored state keeps the kind it was checkpointed with");
        for (long k = 0; k < 300; k++)
        {
            key(declared, k);
            assertEquals(k + 1, restored.value());
            assertEquals(k + 2, restored.add(1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"offheap", "chronicle"})
    void aDeclaredKeyTypeWithoutASerializerFailsWhenTheBackendIsMade(final String kind)
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> backend(kind, ALL, java.util.Date.class));
        assertTrue(ex.getMessage().contains("operator 'op'") && ex.getMessage().contains("java.util.Date"),
            ex.getMessage());
    }
}
