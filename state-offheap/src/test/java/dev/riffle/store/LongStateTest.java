package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long states ({@link KeyedStore#registerLongState}): their tables of {@link LongPage}s against a
 * {@link HashMap}, on small pages so that they split often and deletions shift long probe runs back;
 * key 0, which lives in a page header; the byte-key API on them; snapshots and restores.
 */
class LongStateTest
{
    private static final int FIRST = 4;
    private static final int LAST = 7;

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenStores stores = new OpenStores();

    @Test
    void randomOperationsMatchAMap() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("w"), FIRST, LAST,
            new StoreOptions(4096, 64)));
        final int bytes = store.registerState("bytes");
        final int state = store.registerLongState("counts");
        final Map<Long, Long>[] model = models();
        final Random random = new Random(11);
        for (int op = 0; op < 400_000; op++)
        {
            final int keyGroup = FIRST + random.nextInt(LAST - FIRST + 1);
            final long key = random.nextInt(8) == 0 ? random.nextLong() : random.nextInt(6000) - 3000;
            final Map<Long, Long> map = model[keyGroup - FIRST];
            final int action = random.nextInt(10);
            if (action < 3)
            {
                final long value = random.nextLong();
                store.putLong(keyGroup, state, key, value);
                map.put(key, value);
            }
            else if (action < 6)
            {
                final long delta = random.nextInt(100);
                assertEquals(map.getOrDefault(key, 0L) + delta, store.addLong(keyGroup, state, key, delta));
                map.merge(key, delta, Long::sum);
            }
            else if (action < 8)
            {
                assertEquals(null != map.remove(key), store.removeLong(keyGroup, state, key), "remove " + key);
            }
            else
            {
                assertEquals(map.getOrDefault(key, -1L).longValue(), store.getLong(keyGroup, state, key, -1L),
                    "get " + key);
            }
            if (op % 50_000 == 0)
            {
                assertSame(model, store, state);
            }
        }
        assertSame(model, store, state);
        assertEquals(-7, store.getLong(FIRST, bytes, 1, -7), "the byte state sees none of them");
    }

    @Test
    void keyZeroIsAnEntryLikeAnyOther() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("w"), FIRST, LAST,
            new StoreOptions(4096, 64)));
        final int state = store.registerLongState("v");
        assertEquals(-1, store.getLong(FIRST, state, 0, -1));
        store.putLong(FIRST, state, 0, 0);
        assertEquals(0, store.getLong(FIRST, state, 0, -1), "present with the value 0");
        assertEquals(5, store.addLong(FIRST, state, 0, 5));
        for (long key = 1; key <= 5000; key++)
        {
            store.putLong(FIRST, state, key, key); // many splits; key 0 moves with its half
        }
        assertEquals(5, store.getLong(FIRST, state, 0, -1));
        final Map<Long, Long> seen = new HashMap<>();
        store.forEach(FIRST, state, (keyGroup, s, key, keyOffset, keyLength, value, valueOffset, valueLength) ->
            seen.put(key.getLong(keyOffset), value.getLong(valueOffset)));
        assertEquals(5001, seen.size());
        assertEquals(5L, seen.get(0L));
        assertTrue(store.removeLong(FIRST, state, 0));
        assertFalse(store.removeLong(FIRST, state, 0));
        assertEquals(-1, store.getLong(FIRST, state, 0, -1));
        assertEquals(4999L, store.getLong(FIRST, state, 4999, -1));
    }

    @Test
    void byteKeysOfEightBytesAreTheLongKeysAndOtherLengthsAreRejected() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("w"), FIRST, LAST,
            StoreOptions.DEFAULT));
        final int state = store.registerLongState("v");
        final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
        key.putLong(0, 42);
        value.putLong(0, 7);
        store.put(FIRST, state, key, 0, 8, value, 0, 8);
        assertEquals(7, store.getLong(FIRST, state, 42, -1));
        assertEquals(9, store.addLong(FIRST, state, key, 0, 8, 2));
        assertEquals(9, store.getLong(FIRST, state, key, 0, 8, -1));
        final ValueView view = store.get(FIRST, state, key, 0, 8);
        assertEquals(8, view.length());
        assertEquals(9, view.buffer().getLong(view.offset()));
        final IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
            () -> store.getLong(FIRST, state, key, 0, 4, -1));
        assertEquals("state 'v' is a long state: its keys are 8 bytes, not 4", shortKey.getMessage());
        final IllegalArgumentException longValue = assertThrows(IllegalArgumentException.class,
            () -> store.put(FIRST, state, key, 0, 8, value, 0, 12));
        assertEquals("state 'v' is a long state: its values are 8 bytes, not 12", longValue.getMessage());
        assertTrue(store.remove(FIRST, state, key, 0, 8));
        assertNull(store.get(FIRST, state, key, 0, 8));
        assertEquals(state, store.registerLongState("v"), "found again");
        assertEquals(state, store.registerState("v"), "found again by name");
        store.registerState("b");
        final IllegalStateException byteState = assertThrows(IllegalStateException.class,
            () -> store.registerLongState("b"));
        assertEquals("state 'b' is registered as a byte state, not a long state", byteState.getMessage());
    }

    @Test
    void snapshotsRestoreLongStatesWholeOrByKeyGroupRange() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("w"), FIRST, LAST,
            new StoreOptions(4096, 64)));
        final int bytes = store.registerState("bytes");
        final int state = store.registerLongState("v");
        final Map<Long, Long>[] model = models();
        final Random random = new Random(3);
        final Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(data);
        for (int round = 0; round < 6; round++)
        {
            for (int i = 0; i < 20_000; i++)
            {
                final int keyGroup = FIRST + random.nextInt(LAST - FIRST + 1);
                final long key = random.nextInt(4000) - 2000;
                if (random.nextInt(4) == 0)
                {
                    store.removeLong(keyGroup, state, key);
                    model[keyGroup - FIRST].remove(key);
                }
                else
                {
                    model[keyGroup - FIRST].merge(key, 1L, Long::sum);
                    store.addLong(keyGroup, state, key, 1);
                }
                store.putLong(keyGroup, bytes, key, key);
            }
            final Path manifest = dir.resolve("m" + round);
            store.snapshot(round).write(manifest, data, "s");
            final PagedKeyedStore whole = stores.track(StoreRestore.restore(dir.resolve("r" + round), FIRST, LAST,
                new StoreOptions(4096, 64), List.of(new StoreRestore.Source(manifest, data))));
            final int restored = whole.registerLongState("v");
            assertEquals(state, restored);
            assertSame(model, whole, restored);
            stores.close(whole);
        }
        final Path manifest = dir.resolve("m5");
        final PagedKeyedStore upper = stores.track(StoreRestore.restore(dir.resolve("upper"), 6, 7,
            new StoreOptions(4096, 64), List.of(new StoreRestore.Source(manifest, data))));
        for (int keyGroup = 6; keyGroup <= 7; keyGroup++)
        {
            for (final Map.Entry<Long, Long> e : model[keyGroup - FIRST].entrySet())
            {
                assertEquals(e.getValue().longValue(), upper.getLong(keyGroup, state, e.getKey(), -1));
            }
        }
        assertThrows(IllegalStateException.class, () -> upper.registerLongState("bytes"),
            "a restored store knows which states are long states");
    }

    /**
     * A 128 KiB long page has 8,060 cells, more than a byte state's lookup slot could carry: a long
     * state's slots carry only the page's address, its cell count being the store's.
     */
    @Test
    void pagesOfMoreCellsThanALookupSlotCanCountWorkAndRestore() throws Exception
    {
        final StoreOptions options = new StoreOptions(128 * 1024, 8);
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("w"), FIRST, LAST, options));
        final int state = store.registerLongState("v");
        final Map<Long, Long>[] model = models();
        for (long key = -20_000; key < 40_000; key++)
        {
            final int keyGroup = FIRST + (int)Math.floorMod(key, LAST - FIRST + 1);
            store.putLong(keyGroup, state, key, key * 3);
            model[keyGroup - FIRST].put(key, key * 3);
        }
        for (long key = -20_000; key < 40_000; key += 3)
        {
            final int keyGroup = FIRST + (int)Math.floorMod(key, LAST - FIRST + 1);
            assertTrue(store.removeLong(keyGroup, state, key));
            model[keyGroup - FIRST].remove(key);
        }
        assertSame(model, store, state);
        final Path data = java.nio.file.Files.createDirectories(dir.resolve("data"));
        final Path manifest = dir.resolve("m");
        store.snapshot(1).write(manifest, data, "s");
        final PagedKeyedStore restored = stores.track(StoreRestore.restore(dir.resolve("r"), FIRST, LAST, options,
            List.of(new StoreRestore.Source(manifest, data))));
        assertSame(model, restored, state);
    }

    @SuppressWarnings("unchecked")
    private static Map<Long, Long>[] models()
    {
        final Map<Long, Long>[] model = new Map[LAST - FIRST + 1];
        for (int i = 0; i < model.length; i++)
        {
            model[i] = new HashMap<>();
        }
        return model;
    }

    private static void assertSame(final Map<Long, Long>[] model, final PagedKeyedStore store, final int state)
    {
        for (int keyGroup = FIRST; keyGroup <= LAST; keyGroup++)
        {
            final Map<Long, Long> expected = model[keyGroup - FIRST];
            for (final Map.Entry<Long, Long> e : expected.entrySet())
            {
                assertEquals(e.getValue().longValue(), store.getLong(keyGroup, state, e.getKey(), e.getValue() - 1),
                    "key " + e.getKey() + " of key group " + keyGroup);
            }
            final Map<Long, Long> seen = new HashMap<>();
            store.forEach(keyGroup, state, (group, s, key, keyOffset, keyLength, value, valueOffset, valueLength) ->
            {
                assertEquals(8, keyLength);
                assertEquals(8, valueLength);
                assertEquals(state, s);
                assertNull(seen.put(key.getLong(keyOffset), value.getLong(valueOffset)), "visited once");
            });
            assertEquals(expected, seen, "entries of key group " + keyGroup);
        }
    }
}
