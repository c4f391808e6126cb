package dev.riffle.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Subsuming snapshots deletes exactly the files nothing refers to any more: not a data file an
 * incremental snapshot still points into, nor one the next incremental snapshot will build on.
 */
class SubsumeTest
{
    private static final StoreOptions OPTIONS = new StoreOptions(4096, 256);

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenStores stores = new OpenStores();

    @Test
    void subsumeDeletesOnlyUnreferencedFiles() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 3, OPTIONS));
        final int state = store.registerState("v");
        for (long k = 0; k < 20_000; k++)
        {
            store.putLong((int)(k & 3), state, k, k);
        }
        final Path snapshots = dir.resolve("snapshots");
        final SnapshotResult first = await(store.snapshot(1, snapshots));
        store.putLong(0, state, 0, -1);
        final SnapshotResult second = await(store.snapshot(2, snapshots));
        assertTrue(second.pagesReused() > 0 && second.pagesWritten() == 1,
            "incremental: " + second.pagesWritten() + " written, " + second.pagesReused() + " reused");
        final String firstData = first.files().get(0).name();
        assertTrue(second.files().stream().anyMatch(f -> f.name().equals(firstData)), "refers to the first file");

        assertEquals(1, store.subsume(1).get(30, TimeUnit.SECONDS), "only the first manifest goes");
        assertTrue(Files.exists(snapshots.resolve(firstData)));
        final PagedKeyedStore fromSecond = stores.track(PagedKeyedStore.restore(List.of(second.manifest()),
            dir.resolve("restored"), 0, 3, OPTIONS));
        assertEquals(-1, fromSecond.getLong(0, state, 0, 0));
        assertEquals(19_999, fromSecond.getLong(3, state, 19_999, 0));

        for (long k = 20_000; k < 40_000; k++)
        {
            store.putLong((int)(k & 3), state, k, k); // new keys in every page: each is saved whole again
        }
        final SnapshotResult third = await(store.snapshot(3, snapshots));
        assertEquals(0, third.pagesReused());
        assertEquals(3, store.subsume(2).get(30, TimeUnit.SECONDS), "second manifest and both older data files");
        assertEquals(Set.of(third.manifest().getFileName().toString(), third.files().get(0).name()),
            listing(snapshots));
        assertEquals(0, store.subsume(2).get(30, TimeUnit.SECONDS), "unknown ids are ignored");
    }

    @Test
    void snapshotsOfAStoreGoToOneDirectoryWithIncreasingIds() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 0, OPTIONS));
        await(store.snapshot(5, dir.resolve("a")));
        assertThrows(IllegalArgumentException.class, () -> store.snapshot(6, dir.resolve("b")));
        assertThrows(IllegalArgumentException.class, () -> store.snapshot(5, dir.resolve("a")));
    }

    private static SnapshotResult await(final SnapshotHandle handle) throws Exception
    {
        return handle.result().get(30, TimeUnit.SECONDS);
    }

    private static Set<String> listing(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

}
