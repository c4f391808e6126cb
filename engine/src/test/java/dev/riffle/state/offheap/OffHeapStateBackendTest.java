package dev.riffle.state.offheap;

import dev.riffle.api.state.ListState;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.MapState;
import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;
import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.KeyedStateBackendContract;
import dev.riffle.state.StateBackend;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.store.KeyedStore;
import dev.riffle.store.StoreOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffHeapStateBackendTest extends KeyedStateBackendContract
{
    @Override
    protected StateBackend newStateBackend()
    {
        return new OffHeapStateBackend(null, new StoreOptions(4096, 64));
    }

    @Test
    void unsupportedValueTypeFailsNamingTheState()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> backend.valueState(new ValueStateDescriptor<>("when", java.util.Date.class)));
        assertTrue(ex.getMessage().contains("state 'when'") && ex.getMessage().contains("java.util.Date"),
            ex.getMessage());
    }

    @Test
    void checkpointOfAnOlderFormatIsRefusedNamingIt() throws Exception
    {
        final KeyedStateBackend backend = backendHoldingOneValue(7L);
        final KeyedStateHandle written = backend.snapshot(1).write(checkpointDir, "op-7-0");
        final KeyedStateHandle older = new KeyedStateHandle(
            written.firstKeyGroup(), written.lastKeyGroup(), "offheap-v1", written.files());

        final KeyedStateBackend restored = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final java.io.IOException ex = assertThrows(java.io.IOException.class,
            () -> restored.restore(checkpointDir, java.util.List.of(older)));
        assertTrue(ex.getMessage().contains("'offheap-v1'") && ex.getMessage().contains("older version"),
            ex.getMessage());
        final java.io.IOException other = assertThrows(java.io.IOException.class, () -> backend(
            new KeyGroupRange(0, MAX_PARALLELISM - 1)).restore(checkpointDir, java.util.List.of(
            new KeyedStateHandle(0, MAX_PARALLELISM - 1, "heap-v1", written.files()))));
        assertTrue(other.getMessage().contains("restore with the backend that took the checkpoint"),
            other.getMessage());
    }

    /**
     * A snapshot discarded unwritten (its checkpoint failed at another participant) after the backend was
     * closed: the store's pages go with the discard, not never.
     */
    @Test
    void aSnapshotDiscardedAfterCloseDeletesTheStoresPages() throws Exception
    {
        final KeyedStateBackend backend = backendHoldingOneValue(7L);
        final java.nio.file.Path pages = ((OffHeapKeyedStateBackend)backend).workDirectory().resolve("store");
        assertTrue(java.nio.file.Files.exists(pages));
        final var snapshot = backend.snapshot(1);
        backend.close();
        assertTrue(java.nio.file.Files.exists(pages), "the pending snapshot keeps the pages");

        snapshot.discard();

        assertTrue(!java.nio.file.Files.exists(pages), "the discard lets the closed store delete its pages");
    }

    @Test
    void recordValuesRoundTrip()
    {
        record Position(String symbol, long quantity, double price)
        {
        }
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ValueState<Position> state = backend.valueState(new ValueStateDescriptor<>("pos", Position.class));
        key(backend, "acct-1");
        state.update(new Position("EURUSD", 1_000_000, 1.0831));
        key(backend, "acct-2");
        state.update(new Position("USDJPY", -5, 151.2));
        key(backend, "acct-1");
        assertEquals(new Position("EURUSD", 1_000_000, 1.0831), state.value());
    }

    @Test
    void collectionsLeaveNoEntriesBehind()
    {
        final KeyedStateBackend backend = backend(new KeyGroupRange(0, MAX_PARALLELISM - 1));
        final ListState<Long> list = backend.listState(new ListStateDescriptor<>("list", Long.class));
        final MapState<Integer, Long> map = backend.mapState(new MapStateDescriptor<>("map", Integer.class, Long.class));
        final KeyedStore store = ((StoreKeyedStateBackend)backend).store();
        key(backend, "k");
        for (long i = 0; i < 100; i++)
        {
            list.add(i);
        }
        list.update(java.util.List.of(1L, 2L, 3L));
        assertEquals(3 + 1, entries(store, "list"), "three elements and the count");
        list.clear();
        assertEquals(0, entries(store, "list"));
        for (int i = 0; i < 50; i++)
        {
            map.put(i, (long)i);
        }
        for (int i = 0; i < 50; i += 5)
        {
            map.remove(i);
            map.put(i + 1, -1L);
        }
        assertEquals(40 * 2 + 1, entries(store, "map"), "an entry and an ordinal per user key, and the count");
        map.clear();
        assertEquals(0, entries(store, "map"));
    }

    private static int entries(final KeyedStore store, final String state)
    {
        final int[] count = new int[1];
        store.forEach(store.firstKeyGroup(), store.lastKeyGroup(), store.stateNames().indexOf(state),
            (keyGroup, stateId, key, keyOffset, keyLength, value, valueOffset, valueLength) -> count[0]++);
        return count[0];
    }
}
