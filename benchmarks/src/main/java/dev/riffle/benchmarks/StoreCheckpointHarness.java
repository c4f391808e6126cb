package dev.riffle.benchmarks;

import dev.riffle.state.TemporaryStateDirectory;
import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.SnapshotResult;
import dev.riffle.store.StoreOptions;
import dev.riffle.store.StoreRestore;
import dev.riffle.store.StoreSnapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Checkpoint cost against state size, at the store level: for N long → long entries, a full first
 * snapshot, then rounds of "update 1 % of the keys uniformly at random, snapshot": the synchronous
 * {@code snapshot()} time (what the task thread pays), the asynchronous write time, the bytes written
 * and how many pages went out as deltas; then the time to restore the last snapshot into a new store (the
 * state part of recovery). The live and the restored store's pages go where the engine puts state by
 * default ({@link TemporaryStateDirectory}: {@code /dev/shm} where there is one), the snapshots to
 * {@code java.io.tmpdir} (a disk, as checkpoints).
 * <p>
 * {@code snapshot()} is first run 20,000 times on a store of as many key groups and of the same state
 * kind, one page each (written to {@code /dev/shm} when it exists), so that it is measured compiled, as in a job that has been checkpointing for a while; the
 * first, interpreted calls of a fresh JVM cost tens of microseconds more. Each store then runs
 * {@value #FIRST_ROUNDS} rounds before the {@value #ROUNDS} measured ones (printed apart).
 * <p>
 * Run: {@code java -Xmx2g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * dev.riffle.benchmarks.StoreCheckpointHarness [byte|long] 1000000 10000000 50000000}: the entries in a
 * byte state (the default) or a long state ({@link PagedKeyedStore#registerLongState}).
 */
public final class StoreCheckpointHarness
{
    private static final int KEY_GROUPS = 128;
    private static final int ROUNDS = 5;
    /**
     * Rounds run on each store before the measured ones: the JIT recompiles the snapshot paths on a
     * large store's first snapshots (tens of microseconds for the first two or three calls), which a
     * job checkpointing every few seconds is past within a minute. Their figures are printed apart.
     */
    private static final int FIRST_ROUNDS = 3;
    private static final int WARM_UP_SNAPSHOTS = 20_000;

    private StoreCheckpointHarness()
    {
    }

    /**
     * @param args the state kind, optional, then entry counts.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final boolean kindGiven = args.length > 0 && (args[0].equals("byte") || args[0].equals("long"));
        final boolean longState = kindGiven && args[0].equals("long");
        final String[] counts = kindGiven ? Arrays.copyOfRange(args, 1, args.length) : args;
        warmUp(longState);
        System.out.printf("live and restored pages in %s (the engine's default), snapshots in %s%n",
            TemporaryStateDirectory.root(), System.getProperty("java.io.tmpdir"));
        System.out.println("| entries | mapped | snapshot() min / median / max | async write (median) | " +
            "bytes written (median) | of full | deltas / pages written | restore | first " + FIRST_ROUNDS +
            " snapshot() (not counted) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        System.out.println("entries in a " + (longState ? "long" : "byte") + " state");
        for (final String arg : counts.length == 0 ? new String[]{"1000000", "10000000"} : counts)
        {
            run(Long.parseLong(arg), longState);
        }
    }

    private static void warmUp(final boolean longState) throws Exception
    {
        final Path dir = BenchmarkFiles.stateDirectory("riffle-warm-");
        final PagedKeyedStore store = PagedKeyedStore.create(dir.resolve("work"), 0, KEY_GROUPS - 1, StoreOptions.DEFAULT);
        final int state = register(store, longState);
        final Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 1; i <= WARM_UP_SNAPSHOTS; i++)
        {
            store.addLong(i & (KEY_GROUPS - 1), state, i & 1023, 1);
            store.snapshot(i).write(dir.resolve("m"), data, "w" + (i & 1));
        }
        store.close();
        BenchmarkFiles.deleteStateDirectory(dir);
    }

    private static int register(final PagedKeyedStore store, final boolean longState)
    {
        return longState ? store.registerLongState("v") : store.registerState("v");
    }

    private static void run(final long entries, final boolean longState) throws Exception
    {
        final Path dir = Files.createTempDirectory("riffle-store-harness-");
        final Path data = Files.createDirectories(dir.resolve("data"));
        final Path work = BenchmarkFiles.stateDirectory("riffle-store-harness-work-");
        final PagedKeyedStore store = PagedKeyedStore.create(work.resolve("live"), 0, KEY_GROUPS - 1, StoreOptions.DEFAULT);
        final int state = register(store, longState);
        for (long k = 0; k < entries; k++)
        {
            store.putLong((int)(k & (KEY_GROUPS - 1)), state, k, k);
        }
        final SnapshotResult full = store.snapshot(1).write(dir.resolve("m1"), data, "s");
        final SplittableRandom random = new SplittableRandom(42);
        final long[] syncNanos = new long[ROUNDS];
        final long[] writeNanos = new long[ROUNDS];
        final long[] bytes = new long[ROUNDS];
        final StringBuilder first = new StringBuilder();
        SnapshotResult last = full;
        for (int round = -FIRST_ROUNDS; round < ROUNDS; round++)
        {
            for (long i = 0; i < entries / 100; i++)
            {
                final long k = random.nextLong(entries);
                store.addLong((int)(k & (KEY_GROUPS - 1)), state, k, 1);
            }
            final long start = System.nanoTime();
            final StoreSnapshot snapshot = store.snapshot(round + FIRST_ROUNDS + 2);
            final long synced = System.nanoTime();
            last = snapshot.write(dir.resolve("m" + (round + FIRST_ROUNDS + 2)), data, "s");
            if (round < 0)
            {
                first.append(String.format("%.1f µs ", (synced - start) / 1e3));
                continue;
            }
            syncNanos[round] = synced - start;
            writeNanos[round] = System.nanoTime() - synced;
            bytes[round] = last.bytesWritten();
        }

        final long start = System.nanoTime();
        final PagedKeyedStore restored = StoreRestore.restore(work.resolve("restored"), 0, KEY_GROUPS - 1,
            StoreOptions.DEFAULT, List.of(new StoreRestore.Source(last.manifest(), data)));
        final long restoreNanos = System.nanoTime() - start;
        for (long k = 0; k < entries; k += 9_973)
        {
            if (restored.getLong((int)(k & (KEY_GROUPS - 1)), state, k, -1) != store.getLong(
                (int)(k & (KEY_GROUPS - 1)), state, k, -2))
            {
                throw new IllegalStateException("restored store differs at key " + k);
            }
        }
        Arrays.sort(syncNanos);
        Arrays.sort(writeNanos);
        Arrays.sort(bytes);
        System.out.printf("| %,d | %,d MB | %.1f / %.1f / %.1f µs | %.0f ms | %,d MB | %.1f %% | %,d / %,d | %.0f ms | %s|%n",
            entries, store.mappedBytes() >> 20, syncNanos[0] / 1e3, syncNanos[ROUNDS / 2] / 1e3,
            syncNanos[ROUNDS - 1] / 1e3, writeNanos[ROUNDS / 2] / 1e6, bytes[ROUNDS / 2] >> 20,
            100.0 * bytes[ROUNDS / 2] / full.bytesWritten(), last.deltasWritten(), last.pagesWritten(),
            restoreNanos / 1e6, first);
        restored.close();
        store.close();
        BenchmarkFiles.deleteRecursively(dir);
        BenchmarkFiles.deleteStateDirectory(work);
    }
}
