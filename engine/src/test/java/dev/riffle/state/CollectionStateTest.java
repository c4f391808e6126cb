package dev.riffle.state;

import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.state.heap.HeapStateBackend;
import dev.riffle.state.offheap.ChronicleMapStateBackend;
import dev.riffle.state.offheap.OffHeapStateBackend;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * List and map state on every backend, beyond the basics of {@link KeyedStateBackendContract}: collections
 * far larger than the off-heap store's largest entry (its pages are 4 KiB here, entries up to ~1 KiB), a
 * map against a {@link HashMap} model under random puts, removals and clears, and collections across a
 * snapshot and a restore at another parallelism.
 */
class CollectionStateTest
{
    private static final int MAX_PARALLELISM = 128;

    enum Backend
    {
        HEAP(HeapStateBackend::new),
        OFF_HEAP(() -> new OffHeapStateBackend(null, new StoreOptions(4096, 64))),
        OFF_HEAP_64K_PAGES(() -> new OffHeapStateBackend(null, StoreOptions.DEFAULT)),
        CHRONICLE(() -> new ChronicleMapStateBackend(null));

        private final Supplier<StateBackend> factory;

        Backend(final Supplier<StateBackend> factory)
        {
            this.factory = factory;
        }
    }

    @TempDir
    Path checkpointRoot;

    private final List<StateBackend> opened = new ArrayList<>();

    @AfterEach
    void close()
    {
        opened.forEach(StateBackend::close);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void listsGrowPastTheLargestEntryAndShrinkByUpdate(final Backend kind)
    {
        final KeyedStateBackend backend = backend(kind, new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ListState<String> list = backend.listState(new ListStateDescriptor<>("events", String.class));
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5_000; i++)
        {
            key(backend, "big");
            list.add("element-" + i);
            expected.add("element-" + i);
            key(backend, "small");
            list.add("s" + i % 3);
        }
        key(backend, "big");
        assertEquals(expected, toList(list.get()));
        list.update(List.of("a", "b", "c"));
        list.add("d");
        assertEquals(List.of("a", "b", "c", "d"), toList(list.get()));
        list.addAll(List.of("e", "f"));
        list.update(List.of());
        assertFalse(list.get().iterator().hasNext());
        list.add("again");
        assertEquals(List.of("again"), toList(list.get()));
        key(backend, "small");
        assertEquals(5_000, toList(list.get()).size());
        list.clear();
        assertFalse(list.get().iterator().hasNext());
    }

    /**
     * Elements from 0 bytes to more than a list chunk (on 64 KiB pages; at most ~900 bytes where the
     * store's largest entry is ~1 KiB), appended one by one and in batches, replaced and cleared, against
     * a list per key.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void listsMatchAModelUnderRandomAppendsUpdatesAndClears(final Backend kind)
    {
        final KeyedStateBackend backend = backend(kind, new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ListState<byte[]> list = backend.listState(new ListStateDescriptor<>("blobs", byte[].class));
        final int longest = kind == Backend.OFF_HEAP ? 900 : 3000;
        final Map<Long, List<byte[]>> model = new HashMap<>();
        final Random random = new Random(5);
        for (int op = 0; op < 6_000; op++)
        {
            final long key = random.nextInt(4);
            key(backend, key);
            final List<byte[]> expected = model.computeIfAbsent(key, k -> new ArrayList<>());
            final int choice = random.nextInt(100);
            if (choice < 70)
            {
                final byte[] element = blob(random, random.nextInt(8) == 0 ? longest : 40);
                list.add(element);
                expected.add(element);
            }
            else if (choice < 88)
            {
                final List<byte[]> batch = new ArrayList<>();
                for (int i = random.nextInt(30); i > 0; i--)
                {
                    batch.add(blob(random, random.nextInt(4) == 0 ? longest : 40));
                }
                list.addAll(batch);
                expected.addAll(batch);
            }
            else if (choice < 97)
            {
                final List<byte[]> replacement = new ArrayList<>();
                for (int i = random.nextInt(expected.size() + 2); i > 0; i--)
                {
                    replacement.add(blob(random, random.nextInt(3) == 0 ? longest : 40));
                }
                list.update(replacement);
                expected.clear();
                expected.addAll(replacement);
            }
            else
            {
                list.clear();
                expected.clear();
            }
            if (op % 25 == 0)
            {
                assertSameElements(expected, toList(list.get()), "op " + op);
            }
        }
        for (final Map.Entry<Long, List<byte[]>> e : model.entrySet())
        {
            key(backend, e.getKey());
            assertSameElements(e.getValue(), toList(list.get()), "key " + e.getKey());
        }
    }

    private static byte[] blob(final Random random, final int longest)
    {
        final byte[] bytes = new byte[random.nextInt(longest + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void assertSameElements(final List<byte[]> expected, final List<byte[]> actual, final String where)
    {
        assertEquals(expected.size(), actual.size(), where);
        for (int i = 0; i < expected.size(); i++)
        {
            assertTrue(java.util.Arrays.equals(expected.get(i), actual.get(i)), where + ": element " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void keysOfEveryLengthKeepTheirOwnCollections(final Backend kind)
    {
        final KeyedStateBackend backend = backend(kind, new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ListState<Integer> list = backend.listState(new ListStateDescriptor<>("l", Integer.class));
        final MapState<String, Integer> map = backend.mapState(new MapStateDescriptor<>("m", String.class,
            Integer.class));
        for (int length = 0; length <= 300; length++)
        {
            key(backend, "k".repeat(length));
            for (int i = 0; i <= length % 5 + 30; i++)
            {
                list.add(length * 1000 + i);
            }
            map.put("k".repeat(length), length);
            map.put("x", -length);
        }
        for (int length = 0; length <= 300; length++)
        {
            key(backend, "k".repeat(length));
            final List<Integer> expected = new ArrayList<>();
            for (int i = 0; i <= length % 5 + 30; i++)
            {
                expected.add(length * 1000 + i);
            }
            assertEquals(expected, toList(list.get()), "key of " + length + " bytes");
            assertSameMap(Map.of("k".repeat(length), length, "x", -length), map, "key of " + length + " bytes");
        }
        for (final String base : List.of("", "k".repeat(70)))
        {
            // keys a and ab in one key group: their parts' keys would be the same bytes without the key's length
            final String prefix = prefixInOneKeyGroup(base, "a", "ab");
            key(backend, prefix + "a");
            map.put("bc", 1);
            key(backend, prefix + "ab");
            map.put("c", 2);
            key(backend, prefix + "a");
            assertSameMap(Map.of("bc", 1), map, "key " + prefix + "a");
            key(backend, prefix + "ab");
            assertSameMap(Map.of("c", 2), map, "key " + prefix + "ab");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void mapsMatchAModelUnderRandomPutsRemovalsAndClears(final Backend kind)
    {
        final KeyedStateBackend backend = backend(kind, new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final MapState<Integer, String> map = backend.mapState(
            new MapStateDescriptor<>("m", Integer.class, String.class));
        final Map<Long, Map<Integer, String>> model = new HashMap<>();
        final Random random = new Random(42);
        for (int op = 0; op < 30_000; op++)
        {
            final long key = random.nextInt(6);
            key(backend, key);
            final Map<Integer, String> expected = model.computeIfAbsent(key, k -> new HashMap<>());
            final int userKey = random.nextInt(400);
            final int choice = random.nextInt(100);
            if (choice < 55)
            {
                final String value = "v" + op + "x".repeat(random.nextInt(20));
                map.put(userKey, value);
                expected.put(userKey, value);
            }
            else if (choice < 90)
            {
                map.remove(userKey);
                expected.remove(userKey);
            }
            else if (choice < 99)
            {
                final Map<Integer, String> batch = Map.of(userKey, "b" + op, userKey + 400, "c" + op);
                map.putAll(batch);
                expected.putAll(batch);
            }
            else
            {
                map.clear();
                expected.clear();
            }
            final int probe = random.nextInt(800);
            assertEquals(expected.get(probe), map.get(probe), "op " + op);
            assertEquals(expected.containsKey(probe), map.contains(probe), "op " + op);
            if (op % 500 == 0)
            {
                assertSameMap(expected, map, "op " + op);
            }
        }
        for (final Map.Entry<Long, Map<Integer, String>> e : model.entrySet())
        {
            key(backend, e.getKey());
            assertSameMap(e.getValue(), map, "key " + e.getKey());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void collectionsSurviveASnapshotAndARestoreAtAnotherParallelism(final Backend kind) throws Exception
    {
        final Path checkpointDir = Files.createDirectories(checkpointRoot.resolve("chk-1"));
        final List<KeyedStateHandle> handles = new ArrayList<>();
        for (int instance = 0; instance < 2; instance++)
        {
            final KeyGroupRange range = KeyGroups.rangeForOperator(MAX_PARALLELISM, 2, instance);
            final KeyedStateBackend backend = backend(kind, range);
            final ListState<Long> list = backend.listState(new ListStateDescriptor<>("l", Long.class));
            final MapState<String, Long> map = backend.mapState(new MapStateDescriptor<>("m", String.class, Long.class));
            forKeysIn(backend, range, k ->
            {
                for (long i = 0; i <= k % 7; i++)
                {
                    list.add(k * 100 + i);
                    map.put("u" + i, k + i);
                }
                map.remove("u0");
            });
            final var snapshot = backend.snapshot(1);
            forKeysIn(backend, range, k ->
            {
                list.add(-1L);
                map.put("late", -1L);
                map.remove("u1");
            });
            handles.add(snapshot.write(checkpointDir, "op-7-" + instance));
        }
        for (int instance = 0; instance < 3; instance++)
        {
            final KeyGroupRange range = KeyGroups.rangeForOperator(MAX_PARALLELISM, 3, instance);
            final KeyedStateBackend backend = backend(kind, range);
            backend.restore(checkpointDir, handles);
            final ListState<Long> list = backend.listState(new ListStateDescriptor<>("l", Long.class));
            final MapState<String, Long> map = backend.mapState(new MapStateDescriptor<>("m", String.class, Long.class));
            forKeysIn(backend, range, k ->
            {
                final List<Long> expectedList = new ArrayList<>();
                final Map<String, Long> expectedMap = new HashMap<>();
                for (long i = 0; i <= k % 7; i++)
                {
                    expectedList.add(k * 100 + i);
                    expectedMap.put("u" + i, k + i);
                }
                expectedMap.remove("u0");
                assertEquals(expectedList, toList(list.get()), "list of key " + k);
                assertSameMap(expectedMap, map, "map of key " + k);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = "OFF_HEAP")
    void anOversizedElementIsRefusedNamingTheStateAndChangesNothing(final Backend kind)
    {
        final KeyedStateBackend backend = backend(kind, new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ListState<String> list = backend.listState(new ListStateDescriptor<>("events", String.class));
        final MapState<String, String> map = backend.mapState(new MapStateDescriptor<>("index", String.class,
            String.class));
        key(backend, "k");
        list.addAll(List.of("a", "b"));
        map.put("a", "1");
        final String huge = "x".repeat(8192);
        final IllegalArgumentException listError = assertThrows(IllegalArgumentException.class,
            () -> list.addAll(List.of("c", huge)));
        assertTrue(listError.getMessage().contains("list state 'events'"), listError.getMessage());
        assertThrows(IllegalArgumentException.class, () -> list.update(List.of("c", huge)));
        assertEquals(List.of("a", "b"), toList(list.get()));
        final IllegalArgumentException mapError = assertThrows(IllegalArgumentException.class,
            () -> map.putAll(Map.of("b", "2", "c", huge)));
        assertTrue(mapError.getMessage().contains("map state 'index'"), mapError.getMessage());
        assertThrows(IllegalArgumentException.class, () -> map.put("a", huge));
        assertSameMap(Map.of("a", "1"), map, "after refused puts");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"OFF_HEAP", "CHRONICLE"})
    void userKeysDeclaredAsObjectAreRefusedOffTheHeap(final Backend kind)
    {
        final KeyedStateBackend backend = backend(kind, new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> backend.mapState(new MapStateDescriptor<>("untyped", Object.class, Long.class)));
        assertTrue(ex.getMessage().contains("state 'untyped'") && ex.getMessage().contains("declare the user key type"),
            ex.getMessage());
    }

    /**
     * @return {@code base} and a number such that it followed by either suffix gives keys of one key group.
     */
    private static String prefixInOneKeyGroup(final String base, final String suffix, final String otherSuffix)
    {
        for (int i = 0; ; i++)
        {
            final String prefix = base + i;
            if (KeyGroups.assignToKeyGroup(prefix + suffix, MAX_PARALLELISM) ==
                KeyGroups.assignToKeyGroup(prefix + otherSuffix, MAX_PARALLELISM))
            {
                return prefix;
            }
        }
    }

    private KeyedStateBackend backend(final Backend kind, final KeyGroupRange range)
    {
        final StateBackend factory = kind.factory.get();
        opened.add(factory);
        return factory.createKeyedStateBackend(7, "op", 0, range, MAX_PARALLELISM);
    }

    private static void key(final KeyedStateBackend backend, final Object key)
    {
        backend.setCurrentKey(key, KeyGroups.assignToKeyGroup(key, MAX_PARALLELISM));
    }

    private static void forKeysIn(final KeyedStateBackend backend, final KeyGroupRange range,
        final java.util.function.LongConsumer action)
    {
        for (long k = 0; k < 600; k++)
        {
            final int keyGroup = KeyGroups.assignToKeyGroup(k, MAX_PARALLELISM);
            if (range.contains(keyGroup))
            {
                backend.setCurrentKey(k, keyGroup);
                action.accept(k);
            }
        }
    }

    private static <K, V> void assertSameMap(final Map<K, V> expected, final MapState<K, V> map, final String where)
    {
        final Map<K, V> entries = new HashMap<>();
        map.entries().forEach(e -> assertEquals(null, entries.put(e.getKey(), e.getValue()), where + ": repeated key"));
        assertEquals(expected, entries, where);
        final List<K> keys = toList(map.keys());
        assertEquals(expected.size(), keys.size(), where);
        assertEquals(expected.keySet(), new java.util.HashSet<>(keys), where);
        final List<V> values = toList(map.values());
        values.sort(null);
        final List<V> expectedValues = new ArrayList<>(expected.values());
        expectedValues.sort(null);
        assertEquals(expectedValues, values, where);
        assertEquals(expected.isEmpty(), map.isEmpty(), where);
    }

    private static <T> List<T> toList(final Iterable<T> iterable)
    {
        final List<T> list = new ArrayList<>();
        iterable.forEach(list::add);
        return list;
    }
}
