package dev.riffle.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every page of a long state's tables, restored from a snapshot, is byte for byte the page as it was at
 * {@code snapshot()}, while the writer goes on changing them as the snapshot is written: values in
 * place (copied on write by the line), inserts and removals (by the page), splits (new pages and
 * directories). Small pages and few keys, so that every kind of change hits pages a running snapshot
 * still needs, and snapshots alternate between full images and deltas — among them deltas of pages
 * whose values alone changed, which must still carry whole lines (a long page's lines are no
 * {@link ValueLines}).
 */
class LongStateSnapshotTest
{
    private static final StoreOptions OPTIONS = new StoreOptions(4096, 64);
    /** Keys present from the start and never removed, beyond those {@link #change} picks. */
    private static final int PRESENT = 5000;

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenStores stores = new OpenStores();
    private final ExecutorService snapshotThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void tearDown()
    {
        snapshotThread.shutdownNow();
    }

    @Test
    void everyPageIsRestoredAsItWasWhenTheSnapshotStarted() throws Exception
    {
        for (int seed = 0; seed < 6; seed++)
        {
            run(seed);
        }
    }

    private void run(final int seed) throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work-" + seed), 0, 1, OPTIONS));
        final int state = store.registerLongState("d");
        final Random random = new Random(seed);
        final Path data = Files.createDirectories(dir.resolve("data-" + seed));
        final int layoutSize = ChangedLines.layoutSize(OPTIONS.pageSize());
        for (int key = PRESENT; key < PRESENT + 20; key++)
        {
            store.putLong(0, state, key, key);
            store.putLong(1, state, key, key);
        }
        for (int snapshot = 0; snapshot < 40; snapshot++)
        {
            final boolean valuesOnly = random.nextInt(3) == 0;
            switch (valuesOnly ? 0 : 1 + random.nextInt(2))
            {
                case 0 -> incrementPresentKeys(store, state, random);
                case 1 -> change(store, state, random, 20);
                default -> change(store, state, random, 3000);
            }
            final Map<Integer, int[]> directories = new HashMap<>();
            final Map<Integer, byte[]> pages = new HashMap<>();
            for (final KeyGroupDirectory table : store.tables())
            {
                if (table.longState() == state)
                {
                    directories.put(table.keyGroupIndex(), table.pages().clone());
                    for (final int page : table.pages())
                    {
                        pages.put(page, layout(store, page, layoutSize));
                    }
                }
            }
            final StoreSnapshot started = store.snapshot(snapshot);
            final Path manifest = dir.resolve("manifest-" + seed + "-" + snapshot);
            final Future<SnapshotResult> written = snapshotThread.submit(() -> started.write(manifest, data, "s"));
            if (valuesOnly)
            {
                incrementPresentKeys(store, state, random); // so the next snapshot may go out in value deltas
            }
            else
            {
                change(store, state, random, 2000);
            }
            written.get(30, TimeUnit.SECONDS);
            final PagedKeyedStore restored = stores.track(StoreRestore.restore(
                dir.resolve("restored-" + seed + "-" + snapshot), 0, 1, OPTIONS,
                List.of(new StoreRestore.Source(manifest, data))));
            for (final KeyGroupDirectory table : restored.tables())
            {
                if (table.longState() != state)
                {
                    continue;
                }
                final int[] expected = directories.get(table.keyGroupIndex());
                final int[] actual = table.pages();
                if (expected.length != actual.length)
                {
                    fail("seed " + seed + ", snapshot " + snapshot + ": directory of " + actual.length +
                        " entries, expected " + expected.length);
                }
                for (int d = 0; d < actual.length; d++)
                {
                    final byte[] page = layout(restored, actual[d], layoutSize);
                    final byte[] wanted = pages.get(expected[d]);
                    if (!Arrays.equals(wanted, page))
                    {
                        assertArrayEquals(wanted, page, "seed " + seed + ", snapshot " + snapshot + ", key group " +
                            table.keyGroupIndex() + ", directory entry " + d + ": lines " + differing(wanted, page));
                    }
                }
            }
            stores.close(restored);
        }
    }

    /**
     * Values changed in place alone: a snapshot incremental to the previous one saves such pages as deltas
     * of their changed lines.
     */
    private static void incrementPresentKeys(final PagedKeyedStore store, final int state, final Random random)
    {
        for (int i = 0; i < 40; i++)
        {
            store.addLong(random.nextInt(2), state, PRESENT + random.nextInt(20), 1);
        }
    }

    private static void change(final PagedKeyedStore store, final int state, final Random random, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final int keyGroup = random.nextInt(2);
            final long key = random.nextInt(3000) - 1500;
            switch (random.nextInt(4))
            {
                case 0 -> store.removeLong(keyGroup, state, key);
                case 1 -> store.putLong(keyGroup, state, key, random.nextLong());
                default -> store.addLong(keyGroup, state, key, 1);
            }
        }
    }

    private static byte[] layout(final PagedKeyedStore store, final int page, final int layoutSize)
    {
        final byte[] bytes = new byte[layoutSize];
        store.arena.buffer(page).getBytes(store.arena.offset(page), bytes);
        return bytes;
    }

    private static String differing(final byte[] expected, final byte[] actual)
    {
        final StringBuilder lines = new StringBuilder();
        for (int line = 0; line < expected.length / ChangedLines.LINE_SIZE; line++)
        {
            final int from = line * ChangedLines.LINE_SIZE;
            final int to = from + ChangedLines.LINE_SIZE;
            if (!Arrays.equals(expected, from, to, actual, from, to))
            {
                lines.append(line).append(' ');
            }
        }
        return lines.toString();
    }
}
