package dev.riffle.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The multi-threaded restore: the same store whatever the number of workers, and a failing worker fails
 * the whole restore with its own exception, leaving no worker behind.
 */
class StoreRestoreThreadsTest
{
    private static final StoreOptions OPTIONS = new StoreOptions(4096, 64);
    private static final int KEYS = 40_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenStores stores = new OpenStores();

    /**
     * Two sources (key groups 0–3 and 4–7), each restored from a full snapshot plus deltas, by one, two and
     * five workers.
     */
    @Test
    void anyNumberOfWorkersRestoresTheSameStore() throws Exception
    {
        final Path data = Files.createDirectories(dir.resolve("data"));
        final List<StoreRestore.Source> sources = List.of(
            new StoreRestore.Source(snapshotWithDeltas(0, 3, data, "low"), data),
            new StoreRestore.Source(snapshotWithDeltas(4, 7, data, "high"), data));
        for (final int threads : new int[]{1, 2, 5})
        {
            final PagedKeyedStore restored = stores.track(StoreRestore.restore(dir.resolve("restored-" + threads), 0, 7,
                OPTIONS, sources, threads));
            final int state = restored.registerState("v");
            for (long k = 0; k < KEYS; k++)
            {
                final long expected = k % 10 == 0 ? k + 1 : k;
                assertEquals(expected, restored.getLong((int)(k & 7), state, k, -1), threads + " threads, key " + k);
            }
        }
        assertNoWorkerLeft();
    }

    @Test
    void aWorkersCorruptRecordFailsTheRestoreNamingTheFile() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 7, OPTIONS));
        final int state = store.registerState("v");
        for (long k = 0; k < KEYS; k++)
        {
            store.putLong((int)(k & 7), state, k, k);
        }
        final Path data = Files.createDirectories(dir.resolve("data"));
        final Path manifestFile = dir.resolve("m");
        store.snapshot(1).write(manifestFile, data, "s");
        // the last page planned: rebuilt by a worker after many others, while the other worker is busy
        final List<StoreManifest.KeyGroupPages> groups = StoreManifestFormat.read(manifestFile).keyGroups();
        final PageRef[][] pages = groups.get(groups.size() - 1).pages();
        final PageRef damaged = pages[pages.length - 1][0];
        final Path dataFile = data.resolve(damaged.file());
        KeyedStoreContract.flip(dataFile, damaged.offset() + PageRecords.HEADER + 100);

        final List<StoreRestore.Source> sources = List.of(new StoreRestore.Source(manifestFile, data));
        for (final int threads : new int[]{1, 2, 4})
        {
            final CorruptSnapshotException ex = assertThrows(CorruptSnapshotException.class,
                () -> stores.track(StoreRestore.restore(dir.resolve("restored"), 0, 7, OPTIONS, sources, threads)));
            assertTrue(ex.getMessage().contains(dataFile.toString()), ex.getMessage());
            assertTrue(ex.getMessage().contains("checksum of the record at offset " + damaged.offset()),
                ex.getMessage());
            // the restore returns only once its workers have ended, and closes the store (its pages deleted)
            assertNoWorkerLeft();
            assertTrue(Files.notExists(dir.resolve("restored")), "store closed");
        }
    }

    @Test
    void atLeastOneWorker()
    {
        assertThrows(IllegalArgumentException.class, () -> StoreRestore.restore(dir.resolve("restored"), 0, 7,
            OPTIONS, List.of(), 0));
        assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()), StoreRestore.defaultThreads());
    }

    /**
     * @return the manifest of a snapshot of keys {@code k} of key groups {@code k & 7} in the range, every
     * tenth key incremented after a full snapshot, so that the pages are chains of a full image and a delta.
     */
    private Path snapshotWithDeltas(final int first, final int last, final Path data, final String prefix)
        throws IOException
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work-" + prefix), first, last,
            OPTIONS));
        final int state = store.registerState("v");
        for (long k = 0; k < KEYS; k++)
        {
            final int keyGroup = (int)(k & 7);
            if (keyGroup >= first && keyGroup <= last)
            {
                store.putLong(keyGroup, state, k, k);
            }
        }
        store.snapshot(1).write(dir.resolve(prefix + "-1"), data, prefix);
        for (long k = 0; k < KEYS; k += 10)
        {
            final int keyGroup = (int)(k & 7);
            if (keyGroup >= first && keyGroup <= last)
            {
                store.addLong(keyGroup, state, k, 1);
            }
        }
        final SnapshotResult result = store.snapshot(2).write(dir.resolve(prefix + "-2"), data, prefix);
        assertTrue(result.deltasWritten() > 0, "deltas written");
        return result.manifest();
    }

    private static void assertNoWorkerLeft()
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            assertTrue(!thread.getName().startsWith("riffle-restore-"), thread + " still alive");
        }
    }

}
