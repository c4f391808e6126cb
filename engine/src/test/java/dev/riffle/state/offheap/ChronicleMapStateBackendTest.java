package dev.riffle.state.offheap;

import dev.riffle.state.KeyedStateBackendContract;
import dev.riffle.state.StateBackend;
import dev.riffle.store.chronicle.ChronicleKeyedStore;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleMapStateBackendTest extends KeyedStateBackendContract
{
    @Override
    protected StateBackend newStateBackend()
    {
        return new ChronicleMapStateBackend(null);
    }

    @Test
    void chronicleAnalyticsAreDisabled()
    {
        assertEquals("true", ChronicleKeyedStore.analyticsSetting(),
            "Chronicle must never send usage analytics from an embedded engine");
    }

    /**
     * A copy discarded unwritten (its checkpoint failed at another participant) is deleted, and the work
     * directory goes with it once the backend is closed.
     */
    @Test
    void aDiscardedCopyIsDeletedAndTheWorkDirectoryGoesAfterClose() throws Exception
    {
        final var backend = backendHoldingOneValue(42L);
        final java.nio.file.Path work = ((ChronicleKeyedStateBackend)backend).workDirectory();
        final var snapshot = backend.snapshot(1);
        final java.nio.file.Path copy = work.resolve("copy-1.state");
        assertTrue(java.nio.file.Files.exists(copy), "the synchronous phase wrote the copy");
        backend.close();
        assertTrue(java.nio.file.Files.exists(work), "the pending copy keeps the work directory");

        snapshot.discard();

        assertTrue(!java.nio.file.Files.exists(work), "the work directory goes with the discarded copy");
    }

    /**
     * A task that ends right after its final checkpoint's barrier closes its backend before the snapshot
     * thread moves the copy into the checkpoint: the copy must outlive the close, and the work directory
     * go once it has been moved.
     */
    @Test
    void aCopyTakenBeforeCloseIsStillWrittenAndTheWorkDirectoryGoesAfter() throws Exception
    {
        final var backend = backendHoldingOneValue(42L);
        final java.nio.file.Path work = ((ChronicleKeyedStateBackend)backend).workDirectory();
        final var snapshot = backend.snapshot(1);
        backend.close();
        assertTrue(java.nio.file.Files.exists(work), "the pending copy keeps the work directory");

        final var handle = snapshot.write(checkpointDir, "op-7-0");

        assertTrue(java.nio.file.Files.exists(checkpointDir.resolve(handle.files().get(0).path())));
        assertTrue(!java.nio.file.Files.exists(work), "the work directory goes with the last pending copy");
        final var restored = backend(new dev.riffle.state.KeyGroupRange(0, MAX_PARALLELISM - 1));
        restored.restore(checkpointDir, java.util.List.of(handle));
        final var restoredValue = restored.valueState(new dev.riffle.api.state.ValueStateDescriptor<>("v", Long.class));
        key(restored, 1L);
        assertEquals(42L, restoredValue.value());
    }
}
