package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The store against a {@link HashMap} model: mixed operations over many key groups and states, keys
 * and values from 0 bytes to KiBs, snapshots taken at random points and written by another thread
 * while writing goes on; every snapshot, restored, must equal the model as it was at snapshot time.
 */
class StoreModelTest
{
    private static final int FIRST_KEY_GROUP = 10;
    private static final int LAST_KEY_GROUP = 17;

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
    void randomOperationsWithConcurrentSnapshotsMatchTheModel() throws Exception
    {
        runModel(new StoreOptions(4096, 64), 200_000, 300, 40, 20_000, new Random(1));
    }

    @Test
    void largeValuesOnLargePages() throws Exception
    {
        runModel(new StoreOptions(64 * 1024, 16), 20_000, 10_000, 20, 2_000, new Random(2));
    }

    @Test
    @Tag("slow")
    void manyMillionsOfOperations() throws Exception
    {
        runModel(new StoreOptions(16 * 1024, 256), 2_000_000, 2000, 40, 200_000, new Random());
    }

    /**
     * Few changes between snapshots, so that pages are saved as deltas of their changed lines and chains
     * of deltas grow to their limit and start over; the latest snapshot restored each time reads them.
     */
    @Test
    void sparseChangesAreSavedAsDeltaChains() throws Exception
    {
        runModel(new StoreOptions(4096, 64), 30_000, 40, 120, 10_000, new Random(3));
        assertTrue(deltas > 5000, deltas + " deltas written");
    }

    @Test
    void puttingValuesTheyAlreadyHaveChangesNothingTheNextSnapshotWrites() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 7,
            StoreOptions.DEFAULT));
        final int longs = store.registerState("longs");
        final int bytes = store.registerState("bytes");
        final int records = store.registerState("records");
        final int keys = 20_000;
        final UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[12]);
        final Path data = Files.createDirectories(dir.resolve("data"));
        SnapshotResult unchanged = null;
        for (int pass = 1; pass <= 2; pass++) // the second pass stores what the first stored
        {
            for (long k = 0; k < keys; k++)
            {
                store.putLong((int)(k & 7), longs, k, k);
                key.putLong(0, k);
                store.putLong((int)(k & 7), bytes, key, 0, Long.BYTES, k);
                value.putLong(0, k);
                value.putInt(Long.BYTES, (int)k);
                store.put((int)(k & 7), records, key, 0, Long.BYTES, value, 0, value.capacity());
            }
            unchanged = store.snapshot(pass).write(dir.resolve("m" + pass), data, "s");
        }
        assertEquals(0, unchanged.pagesWritten(), "no page changed");

        value.putLong(0, 7);
        value.putInt(Long.BYTES, -7);
        key.putLong(0, 7);
        store.put(7, records, key, 0, Long.BYTES, value, 0, value.capacity());
        store.putLong(7, longs, 7, -7);
        final SnapshotResult changed = store.snapshot(3).write(dir.resolve("m3"), data, "s");
        assertTrue(changed.pagesWritten() >= 1 && changed.pagesWritten() <= 2,
            "the two changed entries' page(s): " + changed.pagesWritten());
        assertEquals(changed.pagesWritten(), changed.deltasWritten(), "as deltas");
        final PagedKeyedStore restored = restore(List.of(new StoreRestore.Source(dir.resolve("m3"), data)), 0, 7,
            StoreOptions.DEFAULT);
        assertEquals(-7, restored.getLong(7, longs, 7, 0));
        assertEquals(7, restored.getLong(7, bytes, key, 0, Long.BYTES, 0));
        final ValueView view = restored.get(7, records, key, 0, Long.BYTES);
        assertEquals(7, view.buffer().getLong(view.offset()));
        assertEquals(-7, view.buffer().getInt(view.offset() + Long.BYTES));
    }

    /**
     * A snapshot given up unwritten (its checkpoint failed first): a store closed while it was pending has
     * its pages deleted when it is discarded, not never; and in a store that goes on, the next snapshot —
     * incremental to the last completed one, over pages the writer captured for the discarded one —
     * restores exactly.
     */
    @Test
    void aDiscardedSnapshotReleasesItsStoreAndTheNextOneRestoresExactly() throws Exception
    {
        final Path closingWork = dir.resolve("work-closing");
        final PagedKeyedStore closing = PagedKeyedStore.create(closingWork, 0, 3, new StoreOptions(4096, 64));
        final int count = closing.registerState("count");
        for (long k = 0; k < 2_000; k++)
        {
            closing.putLong((int)(k & 3), count, k, k);
        }
        final StoreSnapshot pending = closing.snapshot(1);
        closing.close();
        assertTrue(Files.exists(closingWork), "the pending snapshot keeps the pages");
        pending.discard();
        assertTrue(!Files.exists(closingWork), "discarding the pending snapshot deletes the closed store's pages");

        final StoreOptions options = new StoreOptions(4096, 64);
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 3, options));
        final int state = store.registerState("count");
        final Path data = Files.createDirectories(dir.resolve("data"));
        for (long k = 0; k < 20_000; k++)
        {
            store.putLong((int)(k & 3), state, k, k);
        }
        store.snapshot(1).write(dir.resolve("m1"), data, "s");
        final int pages = store.arena.pageCount();
        for (long k = 0; k < 20_000; k += 7)
        {
            store.addLong((int)(k & 3), state, k, 1); // captured by the writer for the snapshot discarded below
        }
        final StoreSnapshot discarded = store.snapshot(2);
        for (long k = 0; k < 20_000; k += 5)
        {
            store.addLong((int)(k & 3), state, k, 1);
        }
        discarded.discard();
        for (long k = 0; k < 20_000; k += 3)
        {
            store.addLong((int)(k & 3), state, k, 1);
        }
        final StoreSnapshot next = store.snapshot(3);
        final Map<EntryKey, byte[]> expected = contents(store);
        store.addLong(0, state, 0, 100); // after the snapshot: not in it
        final SnapshotResult written = next.write(dir.resolve("m3"), data, "s");
        assertTrue(written.pagesWritten() > 0 && written.pagesWritten() <= pages, "pages " + written.pagesWritten());
        final PagedKeyedStore restored = restore(List.of(new StoreRestore.Source(dir.resolve("m3"), data)), 0, 3,
            options);
        assertSameContents(expected, contents(restored), "the snapshot after a discarded one");
    }

    @Test
    void aFullSnapshotOfLongEntriesWritesLittleMoreThanTheirKeysAndValues() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 7,
            StoreOptions.DEFAULT));
        final int state = store.registerState("count");
        final int keys = 100_000;
        for (long k = 0; k < keys; k++)
        {
            store.addLong((int)(k & 7), state, k * 7919, k);
        }
        final Path data = Files.createDirectories(dir.resolve("data"));
        final SnapshotResult full = store.snapshot(1).write(dir.resolve("m1"), data, "s");
        // 16 bytes of key and value per entry; the cells' tags and lengths, their empty cells and the
        // pages' headers must not add more than a quarter (a whole cell would be 32 bytes)
        assertTrue(full.bytesWritten() <= keys * 20L, full.bytesWritten() + " bytes for " + keys + " entries");
        final PagedKeyedStore restored = restore(List.of(new StoreRestore.Source(dir.resolve("m1"), data)), 0, 7,
            StoreOptions.DEFAULT);
        for (long k = 0; k < keys; k++)
        {
            assertEquals(k, restored.getLong((int)(k & 7), state, k * 7919, -1), "key " + k);
        }
    }

    @Test
    void aSnapshotAfterEveryCounterChangedWritesLittleMoreThanTheirValues() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 7,
            StoreOptions.DEFAULT));
        final int counts = store.registerState("count");
        final int words = store.registerState("words");
        final int values = store.registerState("values");
        final int keys = 100_000;
        final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[Long.BYTES]);
        final StoreSnapshot[] pending = new StoreSnapshot[3];
        for (int round = 0; round < 3; round++)
        {
            for (long k = 0; k < keys; k++)
            {
                store.addLong((int)(k & 7), counts, k * 7919, 0 == round ? k : 1);
            }
            for (int w = 0; w < 1_000; w++)
            {
                final int length = key.putStringWithoutLengthAscii(0, "word-" + w);
                store.addLong(w & 7, words, key, 0, length, 0 == round ? w : 1);
                key.putInt(0, w);
                value.putLong(0, w + round);
                store.put(w & 7, values, key, 0, Integer.BYTES, value, 0, Long.BYTES); // overwritten in place
            }
            if (1 == round)
            {
                pending[1].write(dir.resolve("m1"), Files.createDirectories(dir.resolve("data")), "s");
            }
            if (round < 2)
            {
                // the next round changes the pages while this snapshot still needs them: the first whole,
                // so the writer preserves and marks them line by line (LineCopies), the second as deltas,
                // so the writer copies their changed lines; either way the marks are of values
                pending[round + 1] = store.snapshot(round + 1);
            }
        }
        // every value changed in place since the last snapshot, nothing else: each page goes out as a
        // delta of values, 8 bytes per entry; the deltas' headers and line lists must add less than half a
        // byte per entry (lines saved whole as well, 16-32 bytes each, would exceed it: 8.8 bytes)
        final long entries = keys + 2_000;
        for (final int id : new int[]{2, 3})
        {
            final SnapshotResult deltas = (2 == id ? pending[2] : store.snapshot(3))
                .write(dir.resolve("m" + id), dir.resolve("data"), "s");
            assertEquals(deltas.pagesWritten(), deltas.deltasWritten(), "every page of snapshot " + id + " a delta");
            assertTrue(deltas.bytesWritten() <= entries * 17 / 2, deltas.bytesWritten() + " bytes for " + entries +
                " values in snapshot " + id);
        }
        final PagedKeyedStore restored = restore(
            List.of(new StoreRestore.Source(dir.resolve("m3"), dir.resolve("data"))), 0, 7, StoreOptions.DEFAULT);
        for (long k = 0; k < keys; k++)
        {
            assertEquals(k + 2, restored.getLong((int)(k & 7), counts, k * 7919, -1), "key " + k);
        }
        for (int w = 0; w < 1_000; w++)
        {
            assertEquals(w + 2, restored.getLong(w & 7, words, key, 0, key.putStringWithoutLengthAscii(0, "word-" + w),
                -1), "word " + w);
            key.putInt(0, w);
            final ValueView view = restored.get(w & 7, values, key, 0, Integer.BYTES);
            assertEquals(w + 2, view.buffer().getLong(view.offset()), "value " + w);
        }
    }

    @Test
    void incrementalSnapshotAfterOnePercentOfUpdatesWritesDeltas() throws Exception
    {
        final StoreOptions options = StoreOptions.DEFAULT;
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 7, options));
        final int state = store.registerState("count");
        final int keys = 300_000;
        for (long k = 0; k < keys; k++)
        {
            store.putLong((int)(k & 7), state, k, k);
        }
        final Path data = Files.createDirectories(dir.resolve("data"));
        final SnapshotResult full = store.snapshot(1).write(dir.resolve("m1"), data, "s");
        // 1 % of the keys, uniformly at random: every 64 KiB page is touched, a few lines of each
        final Set<Long> updated = new HashSet<>();
        final Random random = new Random(11);
        while (updated.size() < keys / 100)
        {
            final long k = random.nextInt(keys);
            if (updated.add(k))
            {
                store.addLong((int)(k & 7), state, k, 1_000_000);
            }
        }
        final SnapshotResult incremental = store.snapshot(2).write(dir.resolve("m2"), data, "s");

        assertTrue(incremental.bytesWritten() <= full.bytesWritten() / 10,
            "1% of keys changed: " + incremental.bytesWritten() + " of " + full.bytesWritten() + " bytes written");
        assertEquals(incremental.pagesWritten(), incremental.deltasWritten(), "every changed page saved as a delta");
        final PagedKeyedStore restored = restore(List.of(new StoreRestore.Source(dir.resolve("m2"), data)), 0, 7,
            options);
        for (long k = 0; k < keys; k++)
        {
            final long expected = updated.contains(k) ? k + 1_000_000 : k;
            assertEquals(expected, restored.getLong((int)(k & 7), state, k, -1), "key " + k);
        }
    }

    @Test
    void restoresASubRangeOfKeyGroups() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 15, new StoreOptions(4096, 64)));
        final int state = store.registerState("v");
        for (long k = 0; k < 50_000; k++)
        {
            store.putLong((int)(k % 16), state, k, k * 3);
        }
        final Path data = Files.createDirectories(dir.resolve("data"));
        store.snapshot(1).write(dir.resolve("m"), data, "s");

        final PagedKeyedStore upper = restore(List.of(new StoreRestore.Source(dir.resolve("m"), data)), 8, 15,
            new StoreOptions(4096, 64));
        for (long k = 0; k < 50_000; k++)
        {
            final int kg = (int)(k % 16);
            if (kg >= 8)
            {
                assertEquals(k * 3, upper.getLong(kg, state, k, -1));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> upper.getLong(3, state, 3, -1));
    }

    @Test
    void snapshotsThatNumberTheirStatesDifferentlyKeepEachEntryWithItsState() throws Exception
    {
        final StoreOptions options = new StoreOptions(4096, 64);
        final PagedKeyedStore lower = stores.track(PagedKeyedStore.create(dir.resolve("lower"), 0, 7, options));
        final PagedKeyedStore upper = stores.track(PagedKeyedStore.create(dir.resolve("upper"), 8, 15, options));
        lower.registerState("a");
        upper.registerState("a");
        lower.putLong(0, lower.registerState("b"), 1, 1);
        upper.putLong(8, upper.registerState("c"), 1, 2); // the same id 1, another state
        final Path data = Files.createDirectories(dir.resolve("data"));
        lower.snapshot(1).write(dir.resolve("lower.manifest"), data, "lower");
        upper.snapshot(1).write(dir.resolve("upper.manifest"), data, "upper");

        final PagedKeyedStore both = restore(List.of(
            new StoreRestore.Source(dir.resolve("lower.manifest"), data),
            new StoreRestore.Source(dir.resolve("upper.manifest"), data)), 0, 15, options);
        assertEquals(List.of("a", "b", "c"), both.stateNames(), "the second snapshot's 'c' gets a new id");
        assertEquals(1, both.getLong(0, both.registerState("b"), 1, -1));
        assertEquals(2, both.getLong(8, both.registerState("c"), 1, -1));
        assertEquals(-1, both.getLong(8, both.registerState("b"), 1, -1), "not merged into 'b'");
        assertEquals(-1, both.getLong(0, both.registerState("c"), 1, -1));
    }

    @Test
    void damagedFilesFailTheRestoreNamingTheFile() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 3, new StoreOptions(4096, 64)));
        final int state = store.registerState("v");
        for (long k = 0; k < 10_000; k++)
        {
            store.putLong((int)(k % 4), state, k, k);
        }
        final Path data = Files.createDirectories(dir.resolve("data"));
        final SnapshotResult result = store.snapshot(1).write(dir.resolve("m"), data, "s");
        final Path dataFile = data.resolve(result.files().get(0).name());
        final List<StoreRestore.Source> sources = List.of(new StoreRestore.Source(dir.resolve("m"), data));

        KeyedStoreContract.flip(dataFile, 5000);
        final CorruptSnapshotException flipped = assertThrows(CorruptSnapshotException.class,
            () -> restore(sources, 0, 3, new StoreOptions(4096, 64)));
        assertTrue(flipped.getMessage().contains(dataFile.getFileName().toString()), flipped.getMessage());
        KeyedStoreContract.flip(dataFile, 5000);

        try (RandomAccessFile file = new RandomAccessFile(dataFile.toFile(), "rw"))
        {
            file.setLength(file.length() - 100);
        }
        final CorruptSnapshotException truncated = assertThrows(CorruptSnapshotException.class,
            () -> restore(sources, 0, 3, new StoreOptions(4096, 64)));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());

        KeyedStoreContract.flip(dir.resolve("m"), 20);
        final CorruptSnapshotException manifest = assertThrows(CorruptSnapshotException.class,
            () -> restore(sources, 0, 3, new StoreOptions(4096, 64)));
        assertTrue(manifest.getMessage().contains("checksum"), manifest.getMessage());

        Files.delete(dataFile);
        KeyedStoreContract.flip(dir.resolve("m"), 20);
        final CorruptSnapshotException missing = assertThrows(CorruptSnapshotException.class,
            () -> restore(sources, 0, 3, new StoreOptions(4096, 64)));
        assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
    }

    @Test
    void badInputIsRejected() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 3, new StoreOptions(4096, 64)));
        final int state = store.registerState("v");
        final UnsafeBuffer big = new UnsafeBuffer(new byte[5000]);
        assertThrows(IllegalArgumentException.class, () -> store.put(0, state, big, 0, 10, big, 0, 4000));
        assertThrows(IllegalArgumentException.class, () -> store.putLong(4, state, 1, 1));
        assertNull(store.get(0, state, big, 0, 3));
    }

    @Test
    void useAfterCloseFailsClearlyInsteadOfReadingUnmappedPages() throws Exception
    {
        final PagedKeyedStore store = PagedKeyedStore.create(dir.resolve("work"), 0, 3, new StoreOptions(4096, 64));
        final int state = store.registerState("v");
        final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
        store.putLong(1, state, 7, 7);
        store.put(1, state, key, 0, 16, key, 0, 16);
        store.close();

        for (final org.junit.jupiter.api.function.Executable use : List.<org.junit.jupiter.api.function.Executable>of(
            () -> store.getLong(1, state, 7, -1),
            () -> store.putLong(1, state, 7, 8),
            () -> store.addLong(1, state, 7, 1),
            () -> store.removeLong(1, state, 7),
            () -> store.get(1, state, key, 0, 16),
            () -> store.put(1, state, key, 0, 16, key, 0, 16),
            () -> store.addLong(1, state, key, 0, 16, 1),
            () -> store.forEach(1, state, (kg, s, k, ko, kl, v, vo, vl) -> { }),
            () -> store.snapshot(1),
            () -> store.snapshot(1, dir.resolve("snapshots"))))
        {
            final IllegalStateException closed = assertThrows(IllegalStateException.class, use);
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }
        store.close(); // again: nothing happens
    }

    private void runModel(final StoreOptions options, final int operations, final int maxValue, final int snapshots,
        final int keySpace, final Random random) throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), FIRST_KEY_GROUP, LAST_KEY_GROUP,
            options));
        final int[] states = {store.registerState("a"), store.registerState("b"), store.registerState("c")};
        final int longs = store.registerState("longs");
        final int dense = store.registerLongState("dense");
        final Map<EntryKey, byte[]> model = new HashMap<>();
        final Path data = Files.createDirectories(dir.resolve("data"));
        final List<Map<EntryKey, byte[]>> expected = new ArrayList<>();
        final List<Path> manifests = new ArrayList<>();
        final UnsafeBuffer keyBuffer = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer valueBuffer = new UnsafeBuffer(new byte[Math.max(maxValue, 8)]);
        Future<SnapshotResult> writing = null;
        final int maxKey = Math.min(60, options.maxEntrySize() - maxValue);
        for (int op = 0; op < operations; op++)
        {
            final int keyGroup = FIRST_KEY_GROUP + random.nextInt(LAST_KEY_GROUP - FIRST_KEY_GROUP + 1);
            final int state = states[random.nextInt(states.length)];
            final byte[] key = key(random.nextInt(keySpace), maxKey);
            keyBuffer.putBytes(0, key);
            final EntryKey entryKey = new EntryKey(keyGroup, state, key);
            final int action = random.nextInt(14);
            if (action >= 12)
            {
                // a long state: its own tables of long pages; keys around 0, which lives in a page header
                longKeyOperation(store, keyGroup, dense, random.nextInt(keySpace) - keySpace / 2,
                    action == 12 || random.nextBoolean(), random, model);
            }
            else if (action >= 10)
            {
                longKeyOperation(store, keyGroup, longs, random.nextInt(keySpace), action == 10, random, model);
            }
            else if (action < 6)
            {
                final byte[] current = model.get(entryKey);
                // half the overwrites keep the length: the in-place path, copied on write by the line
                final byte[] value = new byte[null != current && random.nextBoolean() ? current.length :
                    random.nextInt(10) == 0 ? random.nextInt(maxValue + 1) : random.nextInt(17)];
                random.nextBytes(value);
                valueBuffer.putBytes(0, value);
                store.put(keyGroup, state, keyBuffer, 0, key.length, valueBuffer, 0, value.length);
                model.put(entryKey, value);
            }
            else if (action < 8)
            {
                assertEquals(null != model.remove(entryKey), store.remove(keyGroup, state, keyBuffer, 0, key.length));
            }
            else if (action < 9)
            {
                final byte[] current = model.get(entryKey);
                if (null == current || current.length == 8)
                {
                    final long delta = random.nextInt(100);
                    final long before = null == current ? 0 : ByteBuffer.wrap(current).order(java.nio.ByteOrder.nativeOrder()).getLong();
                    assertEquals(before + delta, store.addLong(keyGroup, state, keyBuffer, 0, key.length, delta));
                    model.put(entryKey, ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder()).putLong(before + delta).array());
                }
            }
            else
            {
                final ValueView view = store.get(keyGroup, state, keyBuffer, 0, key.length);
                final byte[] value = model.get(entryKey);
                if (null == value)
                {
                    assertNull(view);
                }
                else
                {
                    final byte[] actual = new byte[view.length()];
                    view.buffer().getBytes(view.offset(), actual);
                    assertTrue(Arrays.equals(value, actual), "value of " + entryKey);
                }
            }
            if (op % (operations / snapshots) == operations / snapshots / 2)
            {
                verifyPrevious(writing, expected, manifests, data, options);
                final StoreSnapshot snapshot = store.snapshot(op);
                expected.add(new HashMap<>(model));
                final Path manifest = dir.resolve("manifest-" + manifests.size());
                manifests.add(manifest);
                writing = snapshotThread.submit(() -> snapshot.write(manifest, data, "model"));
            }
        }
        verifyPrevious(writing, expected, manifests, data, options);
        assertEquals(snapshots, verified, "snapshots verified");
    }

    private int verified;
    private int deltas;

    /**
     * The long-key fast path: put, add or remove, modelled as an 8-byte key and value in native order.
     */
    private static void longKeyOperation(final PagedKeyedStore store, final int keyGroup, final int state,
        final long key, final boolean write, final Random random, final Map<EntryKey, byte[]> model)
    {
        final EntryKey entryKey = new EntryKey(keyGroup, state, nativeLong(key));
        if (!write)
        {
            assertEquals(null != model.remove(entryKey), store.removeLong(keyGroup, state, key));
            return;
        }
        final long value;
        if (random.nextBoolean())
        {
            value = random.nextLong();
            store.putLong(keyGroup, state, key, value);
        }
        else
        {
            final byte[] current = model.get(entryKey);
            final long before = null == current ? 0 : ByteBuffer.wrap(current).order(java.nio.ByteOrder.nativeOrder()).getLong();
            value = before + random.nextInt(100);
            assertEquals(value, store.addLong(keyGroup, state, key, value - before));
        }
        assertEquals(value, store.getLong(keyGroup, state, key, -1));
        model.put(entryKey, nativeLong(value));
    }

    private static byte[] nativeLong(final long value)
    {
        return ByteBuffer.allocate(Long.BYTES).order(java.nio.ByteOrder.nativeOrder()).putLong(value).array();
    }

    /**
     * Waits for the snapshot being written, restores it and compares it with the model as it was
     * when it was taken; keeps only the latest model copy in memory.
     */
    private void verifyPrevious(final Future<SnapshotResult> writing, final List<Map<EntryKey, byte[]>> expected,
        final List<Path> manifests, final Path data, final StoreOptions options) throws Exception
    {
        if (null == writing)
        {
            return;
        }
        deltas += writing.get(60, TimeUnit.SECONDS).deltasWritten();
        final int i = manifests.size() - 1;
        final PagedKeyedStore restored = restore(List.of(new StoreRestore.Source(manifests.get(i), data)),
            FIRST_KEY_GROUP, LAST_KEY_GROUP, options);
        assertSameContents(expected.get(i), contents(restored), "snapshot " + i + " restored");
        stores.close(restored);
        expected.set(i, null);
        verified++;
    }

    private static void assertSameContents(final Map<EntryKey, byte[]> expected, final Map<EntryKey, byte[]> actual,
        final String what)
    {
        if (!expected.keySet().equals(actual.keySet()))
        {
            final java.util.Set<EntryKey> missing = new java.util.HashSet<>(expected.keySet());
            missing.removeAll(actual.keySet());
            final java.util.Set<EntryKey> extra = new java.util.HashSet<>(actual.keySet());
            extra.removeAll(expected.keySet());
            fail(what + ": " + missing.size() + " keys missing, e.g. " + missing.stream().limit(5).toList() + "; " +
                extra.size() + " keys extra, e.g. " + extra.stream().limit(5).toList());
        }
        for (final Map.Entry<EntryKey, byte[]> e : expected.entrySet())
        {
            assertTrue(Arrays.equals(e.getValue(), actual.get(e.getKey())), what + ": value of " + e.getKey());
        }
    }

    private PagedKeyedStore restore(final List<StoreRestore.Source> sources, final int first, final int last,
        final StoreOptions options) throws IOException
    {
        return stores.track(StoreRestore.restore(dir.resolve("restored-" + stores.count()), first, last, options, sources));
    }


    private static Map<EntryKey, byte[]> contents(final PagedKeyedStore store)
    {
        final Map<EntryKey, byte[]> contents = new HashMap<>();
        for (int kg = store.firstKeyGroup(); kg <= store.lastKeyGroup(); kg++)
        {
            store.forEach(kg, -1, (keyGroup, state, key, keyOffset, keyLength, value, valueOffset, valueLength) ->
            {
                final byte[] k = new byte[keyLength];
                key.getBytes(keyOffset, k);
                final byte[] v = new byte[valueLength];
                value.getBytes(valueOffset, v);
                contents.put(new EntryKey(keyGroup, state, k), v);
            });
        }
        return contents;
    }

    private static byte[] key(final int id, final int maxKey)
    {
        final int length = id % 7 == 0 ? 0 : id % 5 == 0 ? Long.BYTES : 1 + (id * 31) % maxKey;
        final byte[] key = new byte[length];
        new Random(id).nextBytes(key);
        if (length > 0)
        {
            key[0] = (byte)id;
        }
        return id % 7 == 0 ? new byte[0] : key;
    }


    private record EntryKey(int keyGroup, int state, byte[] key)
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof EntryKey e && e.keyGroup == keyGroup && e.state == state && Arrays.equals(e.key, key);
        }

        @Override
        public int hashCode()
        {
            return (keyGroup * 31 + state) * 31 + Arrays.hashCode(key);
        }

        @Override
        public String toString()
        {
            return keyGroup + "/" + state + "/" + Arrays.toString(key);
        }
    }
}
