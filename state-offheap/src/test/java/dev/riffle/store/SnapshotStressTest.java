package dev.riffle.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer and the store's snapshot thread flat out together: the writer never waits for a snapshot,
 * starting the next one as soon as the previous completed (polled between writes, never waited for),
 * and subsumes most snapshots right away, so incremental snapshots keep referring to files of subsumed
 * ones. Afterwards every kept snapshot, restored, must equal the model as it was at its start, and the
 * snapshot directory must hold exactly the files the kept manifests refer to, plus the data files of the
 * last completed snapshot (the base of the next incremental one), even though it was subsumed.
 */
class SnapshotStressTest
{
    private static final int KEY_GROUPS = 16;
    private static final int KEYS = 40_000;
    private static final int STATES = 2;
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int KEPT = 8;

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenStores stores = new OpenStores();

    @Test
    void writerAndSnapshotThreadFlatOutStayConsistent() throws Exception
    {
        final StoreOptions options = new StoreOptions(4096, 256);
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, KEY_GROUPS - 1, options));
        final int[] states = {store.registerState("a"), store.registerLongState("b")}; // a byte state, a long state
        final long[][] model = new long[STATES][KEYS];
        final Path snapshots = dir.resolve("snapshots");
        final List<SnapshotHandle> kept = new ArrayList<>();
        final List<long[][]> keptModels = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(11);
        SnapshotHandle running = null;
        boolean runningKept = false;
        long snapshotId = 0;
        int taken = 0;
        long operations = 0;
        final long deadline = System.nanoTime() + RUN_NANOS;
        while (System.nanoTime() < deadline)
        {
            for (int i = 0; i < 256; i++, operations++)
            {
                final int key = random.nextInt(KEYS);
                final int s = random.nextInt(STATES);
                final int keyGroup = key % KEY_GROUPS;
                final int action = random.nextInt(8);
                if (action < 5)
                {
                    model[s][key] = store.addLong(keyGroup, states[s], key, 1 + random.nextInt(9));
                }
                else if (action < 7)
                {
                    final long value = random.nextLong(1, Long.MAX_VALUE);
                    store.putLong(keyGroup, states[s], key, value);
                    model[s][key] = value;
                }
                else
                {
                    assertEquals(model[s][key] != 0, store.removeLong(keyGroup, states[s], key));
                    model[s][key] = 0;
                }
            }
            if (null == running || running.result().isDone())
            {
                if (null != running)
                {
                    running.result().get(); // done: rethrows a failure
                    if (!runningKept)
                    {
                        store.subsume(running.snapshotId());
                    }
                }
                runningKept = taken % 5 == 0 && kept.size() < KEPT;
                running = store.snapshot(++snapshotId, snapshots);
                taken++;
                if (runningKept)
                {
                    kept.add(running);
                    keptModels.add(new long[][]{model[0].clone(), model[1].clone()});
                }
            }
        }
        final SnapshotResult last = running.result().get(30, TimeUnit.SECONDS);
        if (!runningKept)
        {
            store.subsume(running.snapshotId()).get(30, TimeUnit.SECONDS);
        }
        assertTrue(taken >= 3, "snapshots taken: " + taken + " in " + operations + " operations");

        final Set<String> referenced = new HashSet<>();
        last.files().forEach(f -> referenced.add(f.name())); // the base of the next incremental snapshot
        for (int i = 0; i < kept.size(); i++)
        {
            final SnapshotResult result = kept.get(i).result().get(30, TimeUnit.SECONDS);
            referenced.add(result.manifest().getFileName().toString());
            result.files().forEach(f -> referenced.add(f.name()));
            verify(result.manifest(), keptModels.get(i), states, options, i);
        }
        assertEquals(referenced, listing(snapshots), "files left after subsuming " + (taken - kept.size()) +
            " of " + taken + " snapshots");
    }

    private void verify(final Path manifest, final long[][] expected, final int[] states, final StoreOptions options,
        final int index) throws IOException
    {
        final PagedKeyedStore restored = stores.track(PagedKeyedStore.restore(List.of(manifest), dir.resolve("restored-" + index),
            0, KEY_GROUPS - 1, options));
        for (int s = 0; s < STATES; s++)
        {
            for (int key = 0; key < KEYS; key++)
            {
                assertEquals(expected[s][key], restored.getLong(key % KEY_GROUPS, states[s], key, 0),
                    "snapshot " + manifest.getFileName() + ", state " + s + ", key " + key);
            }
        }
    }

    private static Set<String> listing(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

}
