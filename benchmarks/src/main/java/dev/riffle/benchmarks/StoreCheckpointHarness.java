package dev.riffle.benchmarks;

import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.SnapshotResult;
import dev.riffle.store.StoreOptions;
import dev.riffle.store.StoreRestore;
import dev.riffle.store.StoreSnapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checkpoint cost against state size, at the store level: for N long → long entries, a full first
 * snapshot, then 1 % of the keys updated at random and an incremental snapshot — the synchronous
 * {@code snapshot()} time, the asynchronous write time and the bytes written — and the time to restore
 * the last snapshot into a new store (the state part of recovery).
 * <p>
 * Run: {@code java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * dev.riffle.benchmarks.StoreCheckpointHarness 1000000 10000000}
 */
public final class StoreCheckpointHarness
{
    private static final int KEY_GROUPS = 128;

    private StoreCheckpointHarness()
    {
    }

    /**
     * @param args entry counts.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        for (final String arg : args.length == 0 ? new String[]{"1000000", "10000000"} : args)
        {
            run(Long.parseLong(arg));
        }
    }

    private static void run(final long entries) throws Exception
    {
        final Path dir = Files.createTempDirectory("riffle-store-harness-");
        final Path data = Files.createDirectories(dir.resolve("data"));
        final PagedKeyedStore store = PagedKeyedStore.create(dir.resolve("work"), 0, KEY_GROUPS - 1, StoreOptions.DEFAULT);
        final int state = store.registerState("v");
        for (long k = 0; k < entries; k++)
        {
            store.putLong((int)(k & (KEY_GROUPS - 1)), state, k, k);
        }
        final SnapshotResult full = timedSnapshot(store, 1, dir.resolve("m1"), data, "full");
        long cursor = 0;
        for (long i = 0; i < entries / 100; i++)
        {
            final long k = (cursor += 7_919) % entries;
            store.addLong((int)(k & (KEY_GROUPS - 1)), state, k, 1);
        }
        final SnapshotResult incremental = timedSnapshot(store, 2, dir.resolve("m2"), data, "1% updated");
        System.out.printf("  incremental/full bytes: %.1f %%%n", 100.0 * incremental.bytesWritten() / full.bytesWritten());

        final long start = System.nanoTime();
        final PagedKeyedStore restored = StoreRestore.restore(dir.resolve("restored"), 0, KEY_GROUPS - 1,
            StoreOptions.DEFAULT, List.of(new StoreRestore.Source(dir.resolve("m2"), data)));
        final long restoreNanos = System.nanoTime() - start;
        System.out.printf("%,d entries: restore %.0f ms (%,d MB mapped)%n", entries, restoreNanos / 1e6,
            restored.mappedBytes() >> 20);
        restored.close();
        store.close();
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }

    private static SnapshotResult timedSnapshot(final PagedKeyedStore store, final long id, final Path manifest,
        final Path data, final String label) throws Exception
    {
        final long start = System.nanoTime();
        final StoreSnapshot snapshot = store.snapshot(id);
        final long sync = System.nanoTime() - start;
        final SnapshotResult result = snapshot.write(manifest, data, "s");
        final long total = System.nanoTime() - start;
        System.out.printf("%s: snapshot() %.1f µs, write %.0f ms, %,d MB written (%,d pages, %,d reused)%n",
            label, sync / 1e3, (total - sync) / 1e6, result.bytesWritten() >> 20, result.pagesWritten(),
            result.pagesReused());
        return result;
    }
}
