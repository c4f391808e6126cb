package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimistic capture protocol ({@link PageCaptures}) with the writer run exactly inside the snapshot
 * thread's capture window — after the snapshot thread copied a page or read a key group's page ids,
 * before its CAS — on the same thread, so the interleaving is deterministic. A writer that waited for
 * the snapshot thread there (as the earlier claim-then-copy protocol did) would never return: the test
 * would time out. Every snapshot, restored, must equal the store as it was at {@code snapshot()}.
 */
class InterleavedCaptureTest
{
    private static final int KEY_GROUPS = 4;
    private static final StoreOptions SMALL_PAGES = new StoreOptions(4096, 64);
    private static final int STATE = 0;
    private static final StoreOptions LARGE_PAGES = new StoreOptions(64 * 1024, 16);
    private static final int BYTE_KEYS = 20_000;
    /** A fixed-size record value: often straddles two lines (a 24-byte one, 8-byte aligned, never does). */
    private static final int RECORD_BYTES = 44;

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenStores stores = new OpenStores();
    private final UnsafeBuffer keyBuffer = new UnsafeBuffer(new byte[16]);
    private final UnsafeBuffer valueBuffer = new UnsafeBuffer(new byte[512]);
    private int pageWindows;
    private int directoryWindows;

    @Test
    void theWriterChangesPagesInsideTheSnapshotThreadsCaptureWindowWithoutWaiting()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(new Random(7)));
        assertTrue(pageWindows > 500, pageWindows + " page capture windows with writes in them");
        assertTrue(directoryWindows > 20, directoryWindows + " directory capture windows with splits in them");
    }

    @Test
    void aPageTheSnapshotThreadSavedIsSavedAsADeltaAfterTheWritersNextChange() throws Exception
    {
        final Map<Long, Long> model = new HashMap<>();
        final PagedKeyedStore store = filledStore(model);
        final int state = STATE;
        final Path data = dir.resolve("data");
        final Random random = new Random(3);
        updateOnePercent(store, state, model, random);
        // the snapshot thread captures every changed page; the writer clears their maps only later
        final SnapshotResult second = store.snapshot(2).write(dir.resolve("m2"), data, "s");
        assertEquals(second.pagesWritten(), second.deltasWritten(), "second snapshot: deltas");
        // unchanged pages whose clear is still pending: carried to the next epoch
        assertEquals(0, store.snapshot(3).write(dir.resolve("m3"), data, "s").pagesWritten());
        updateOnePercent(store, state, model, random);
        final StoreSnapshot fourth = store.snapshot(4);
        // and captured by the writer in the epoch after the pending save
        updateOnePercent(store, state, model, random);
        final SnapshotResult fourthResult = fourth.write(dir.resolve("m4"), data, "s");
        assertEquals(fourthResult.pagesWritten(), fourthResult.deltasWritten(), "fourth snapshot: deltas");
        final SnapshotResult fifth = store.snapshot(5).write(dir.resolve("m5"), data, "s");
        assertEquals(fifth.pagesWritten(), fifth.deltasWritten(), "fifth snapshot: deltas");

        assertRestores(dir.resolve("m5"), data, model, "the fifth snapshot");
    }

    @Test
    void aLineTheWriterChangesWhileTheSnapshotThreadAssemblesItsPageIsTakenAsItWas() throws Exception
    {
        final Map<Long, Long> model = new HashMap<>();
        final PagedKeyedStore store = filledStore(model);
        final int state = STATE;
        final Path data = dir.resolve("data");
        final Random random = new Random(11);
        updateOnePercent(store, state, model, random);
        // keys by the line of their page they live in (page << 32 | line): what the snapshot thread is
        // about to read
        final Map<Long, List<Long>> keysByLine = new HashMap<>();
        for (long k = 0; k < 20_000; k++)
        {
            keysByLine.computeIfAbsent(lineOf(store, state, k), line -> new java.util.ArrayList<>()).add(k);
        }
        final StoreSnapshot second = store.snapshot(2);
        final Map<Long, Long> expected = new HashMap<>(model);
        // in-place adds after the snapshot started: their pages are captured by the line
        updateOnePercent(store, state, model, random);
        final int[] windows = {0, 0};
        second.interleaveInsideLines(pageLine ->
        {
            // the snapshot thread found this line not preserved and has not read it yet: change it, by
            // the line (an add) or, every third window, not (a removal and an insert: the writer first
            // preserves the rest of the page)
            final boolean byTheLine = windows[0]++ % 3 != 0;
            for (final long k : keysByLine.getOrDefault(pageLine, List.of()))
            {
                if (byTheLine)
                {
                    model.put(k, store.addLong(0, state, k, 1));
                }
                else
                {
                    final long value = store.getLong(0, state, k, 0) + 1;
                    store.removeLong(0, state, k);
                    store.putLong(0, state, k, value);
                    model.put(k, value);
                    windows[1]++;
                }
            }
        });
        second.write(dir.resolve("m2"), data, "s");
        assertTrue(windows[0] > 20, windows[0] + " line windows with writes in them");
        assertTrue(windows[1] > 5, windows[1] + " keys removed and inserted inside line windows");
        final SnapshotResult third = store.snapshot(3).write(dir.resolve("m3"), data, "s");
        assertTrue(third.pagesWritten() > 0, "the writes inside the windows are in the next snapshot");

        assertRestores(dir.resolve("m2"), data, expected, "the snapshot as it started");
        assertRestores(dir.resolve("m3"), data, model, "the next snapshot");
    }

    @Test
    void aPageTheSnapshotThreadHasAssembledIsChangedWithoutPreservingItsLines() throws Exception
    {
        final Map<Long, Long> model = new HashMap<>();
        final PagedKeyedStore store = filledStore(model);
        final Path data = dir.resolve("data");
        updateOnePercent(store, STATE, model, new Random(5));
        final Map<Long, List<Long>> keysByLine = new HashMap<>();
        final Map<Integer, Long> firstKeyOfPage = new HashMap<>();
        for (long k = 0; k < 20_000; k++)
        {
            final long pageLine = lineOf(store, STATE, k);
            keysByLine.computeIfAbsent(pageLine, line -> new java.util.ArrayList<>()).add(k);
            firstKeyOfPage.putIfAbsent((int)(pageLine >>> 32), k);
        }
        final StoreSnapshot second = store.snapshot(2);
        final Map<Long, Long> expected = new HashMap<>(model);
        // one in-place add per page: every page is captured by the writer, by the line
        for (final long k : firstKeyOfPage.values())
        {
            model.put(k, store.addLong(0, STATE, k, 1));
        }
        final int[] previous = {-1};
        final int[] changedAfterAssembly = {0, 0};
        second.interleaveInsideLines(pageLine ->
        {
            final int page = (int)(pageLine >>> 32);
            if (page == previous[0])
            {
                return;
            }
            if (previous[0] >= 0)
            {
                // the snapshot thread has moved on from the previous page: change one line of it that
                // was not changed since the snapshot started, which in line mode would be preserved
                final long changed = lineOf(store, STATE, firstKeyOfPage.get(previous[0]));
                long untouched = changed;
                for (long line = 0; line < 64 && (untouched == changed || !keysByLine.containsKey(untouched)); line++)
                {
                    untouched = (long)previous[0] << 32 | line;
                }
                assertNotEquals(changed, untouched, "a second line with keys in page " + previous[0]);
                for (final long k : keysByLine.get(untouched))
                {
                    model.put(k, store.addLong(0, STATE, k, 1));
                }
                changedAfterAssembly[0]++;
                if (store.barrier.inLineMode(previous[0]))
                {
                    changedAfterAssembly[1]++;
                }
            }
            previous[0] = page;
        });
        second.write(dir.resolve("m2"), data, "s");
        assertTrue(changedAfterAssembly[0] > 10, changedAfterAssembly[0] + " pages changed after their assembly");
        assertEquals(0, changedAfterAssembly[1], "pages still preserving lines after their assembly");
        store.snapshot(3).write(dir.resolve("m3"), data, "s");

        assertRestores(dir.resolve("m2"), data, expected, "the snapshot as it started");
        assertRestores(dir.resolve("m3"), data, model, "the next snapshot");
    }

    @Test
    void aValueOverwrittenWithOneOfTheSameLengthWhileTheSnapshotThreadAssemblesItsPageIsTakenAsItWas()
        throws Exception
    {
        // large pages: a page stays in line mode for up to 32 lines preserved one by one (4 on small ones)
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 0, LARGE_PAGES));
        final int state = store.registerState("records");
        final Path data = Files.createDirectories(dir.resolve("data"));
        final Map<Integer, byte[]> model = new HashMap<>();
        final Random random = new Random(5);
        for (int k = 0; k < BYTE_KEYS; k++)
        {
            putRecord(store, state, k, random, model);
        }
        store.snapshot(1).write(dir.resolve("m1"), data, "s");
        // every value changes, so that the second snapshot assembles every line of every page: a line it
        // skipped as unchanged since the first would hide a line the writer failed to preserve
        for (int k = 0; k < BYTE_KEYS; k++)
        {
            putRecord(store, state, k, random, model);
        }
        // keys by each line their value covers (page << 32 | line)
        final Map<Long, List<Integer>> keysByLine = new HashMap<>();
        for (int k = 0; k < BYTE_KEYS; k++)
        {
            for (final long line : valueLinesOf(store, state, k))
            {
                keysByLine.computeIfAbsent(line, l -> new java.util.ArrayList<>()).add(k);
            }
        }
        final StoreSnapshot second = store.snapshot(2);
        final Map<Integer, byte[]> expected = new HashMap<>(model);
        // one overwrite per page after the snapshot started: the pages go into line mode
        final java.util.Set<Long> pages = new java.util.HashSet<>();
        for (final Map.Entry<Long, List<Integer>> e : keysByLine.entrySet())
        {
            if (pages.add(e.getKey() >>> 32))
            {
                putRecord(store, state, e.getValue().get(0), random, model);
            }
        }
        final int[] windows = {0};
        second.interleaveInsideLines(pageLine ->
        {
            // the snapshot thread found this line not preserved and has not read it yet: overwrite
            // every value on it, in place (same length), by the line
            for (final int k : keysByLine.getOrDefault(pageLine, List.of()))
            {
                putRecord(store, state, k, random, model);
                windows[0]++;
            }
        });
        second.write(dir.resolve("m2"), data, "s");
        assertTrue(windows[0] > 20, windows[0] + " values overwritten inside line windows");
        store.snapshot(3).write(dir.resolve("m3"), data, "s");

        assertRecordsRestore(dir.resolve("m2"), data, state, expected, "the snapshot as it started");
        assertRecordsRestore(dir.resolve("m3"), data, state, model, "the next snapshot");
    }

    private void putRecord(final PagedKeyedStore store, final int state, final int k, final Random random,
        final Map<Integer, byte[]> model)
    {
        final byte[] value = new byte[RECORD_BYTES];
        random.nextBytes(value);
        keyBuffer.putInt(0, k);
        valueBuffer.putBytes(0, value);
        store.put(0, state, keyBuffer, 0, Integer.BYTES, valueBuffer, 0, value.length);
        model.put(k, value);
    }

    /**
     * @return {@code page << 32 | line} of each 64-byte line byte key {@code k}'s value covers.
     */
    private long[] valueLinesOf(final PagedKeyedStore store, final int state, final int k)
    {
        keyBuffer.putInt(0, k);
        final KeyGroupDirectory directory = store.directories[0];
        final int page = directory.page(directory.index(EntryHash.hash(state, keyBuffer, 0, Integer.BYTES)));
        final ValueView view = store.get(0, state, keyBuffer, 0, Integer.BYTES);
        final long offset = view.buffer().addressOffset() + view.offset() - store.arena.address(page);
        final long first = offset >>> ChangedLines.LINE_SHIFT;
        final long last = (offset + RECORD_BYTES - 1) >>> ChangedLines.LINE_SHIFT;
        return first == last ? new long[] {(long)page << 32 | first} :
            new long[] {(long)page << 32 | first, (long)page << 32 | last};
    }

    private void assertRecordsRestore(final Path manifest, final Path data, final int state,
        final Map<Integer, byte[]> expected, final String what) throws Exception
    {
        final PagedKeyedStore restored = stores.track(StoreRestore.restore(
            dir.resolve("restored-" + manifest.getFileName()), 0, 0, LARGE_PAGES,
            List.of(new StoreRestore.Source(manifest, data))));
        for (final Map.Entry<Integer, byte[]> e : expected.entrySet())
        {
            keyBuffer.putInt(0, e.getKey());
            final ValueView view = restored.get(0, state, keyBuffer, 0, Integer.BYTES);
            assertNotNull(view, what + ": key " + e.getKey() + " missing");
            final byte[] actual = new byte[view.length()];
            view.buffer().getBytes(view.offset(), actual);
            assertArrayEquals(e.getValue(), actual, what + ": key " + e.getKey());
        }
    }

    /**
     * @return a store of one key group, 4 KiB pages, holding long keys 0–19,999 with values equal to them
     * in state {@link #STATE}, whose first snapshot (a full one, {@code m1}) is written to {@code data};
     * the same entries put in {@code model}.
     */
    private PagedKeyedStore filledStore(final Map<Long, Long> model) throws IOException
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 0, SMALL_PAGES));
        assertEquals(STATE, store.registerState("v"));
        for (long k = 0; k < 20_000; k++)
        {
            store.putLong(0, STATE, k, k);
            model.put(k, k);
        }
        store.snapshot(1).write(dir.resolve("m1"), Files.createDirectories(dir.resolve("data")), "s");
        return store;
    }

    private void assertRestores(final Path manifest, final Path data, final Map<Long, Long> expected,
        final String what) throws Exception
    {
        final PagedKeyedStore restored = stores.track(StoreRestore.restore(
            dir.resolve("restored-" + manifest.getFileName()), 0, 0, SMALL_PAGES,
            List.of(new StoreRestore.Source(manifest, data))));
        for (final Map.Entry<Long, Long> e : expected.entrySet())
        {
            assertEquals(e.getValue(), restored.getLong(0, STATE, e.getKey(), -1), what + ": key " + e.getKey());
        }
    }

    /**
     * @return {@code page << 32 | line}: the page and the 64-byte line in it holding long key {@code key}'s cell.
     */
    private static long lineOf(final PagedKeyedStore store, final int state, final long key)
    {
        final KeyGroupDirectory directory = store.directories[0];
        final int hash = EntryHash.hash(state, key);
        final int index = directory.index(hash);
        final long slot = directory.slot(index);
        final long cell = LongCells.find(slot, BucketPage.tag(hash, state), key);
        assertTrue(cell > 0, "key " + key + " has a long cell");
        return (long)directory.page(index) << 32 | (cell - KeyGroupDirectory.address(slot)) >>> ChangedLines.LINE_SHIFT;
    }

    private static void updateOnePercent(final PagedKeyedStore store, final int state, final Map<Long, Long> model,
        final Random random)
    {
        for (int i = 0; i < 200; i++)
        {
            final long k = random.nextInt(20_000);
            model.put(k, store.addLong(0, state, k, 1 + random.nextInt(1000)));
        }
    }

    private void run(final Random random) throws Exception
    {
        final StoreOptions options = SMALL_PAGES;
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, KEY_GROUPS - 1, options));
        final int longs = store.registerState("longs");
        final int bytes = store.registerState("bytes");
        final Map<Entry, byte[]> model = new HashMap<>();
        final long[] nextKey = {0};
        for (int i = 0; i < 5_000; i++)
        {
            write(store, longs, bytes, model, nextKey, random);
        }
        final Path data = Files.createDirectories(dir.resolve("data"));
        for (int round = 1; round <= 30; round++)
        {
            final StoreSnapshot snapshot = store.snapshot(round);
            final Map<Entry, byte[]> expected = new HashMap<>(model);
            snapshot.interleaveBeforePublish(id ->
            {
                if (random.nextInt(3) == 0)
                {
                    if (id >= 0)
                    {
                        pageWindows++;
                    }
                    else
                    {
                        directoryWindows++;
                    }
                    final int writes = 1 + random.nextInt(id >= 0 ? 20 : 400);
                    for (int i = 0; i < writes; i++)
                    {
                        write(store, longs, bytes, model, nextKey, random);
                    }
                }
            });
            final Path manifest = dir.resolve("m" + round);
            snapshot.write(manifest, data, "t");
            final PagedKeyedStore restored = StoreRestore.restore(dir.resolve("restored-" + round), 0,
                KEY_GROUPS - 1, options, List.of(new StoreRestore.Source(manifest, data)));
            try
            {
                assertSameContents(expected, contents(restored), "snapshot " + round);
            }
            finally
            {
                restored.close();
            }
        }
        assertSameContents(model, contents(store), "live store");
    }

    /**
     * One random change: a new long key (the tables grow and split), an add to or removal of an
     * existing one, or a byte key with a value of up to 300 bytes (kept in the page's heap).
     */
    private void write(final PagedKeyedStore store, final int longs, final int bytes, final Map<Entry, byte[]> model,
        final long[] nextKey, final Random random)
    {
        final int action = random.nextInt(10);
        final long key = action < 4 || nextKey[0] == 0 ? nextKey[0]++ : random.nextLong(nextKey[0]);
        final int keyGroup = (int)(key % KEY_GROUPS);
        if (action < 7)
        {
            final long value = store.addLong(keyGroup, longs, key, 1 + random.nextInt(100));
            model.put(new Entry(keyGroup, longs, key), nativeLong(value));
        }
        else if (action < 8)
        {
            store.removeLong(keyGroup, longs, key);
            model.remove(new Entry(keyGroup, longs, key));
        }
        else
        {
            final byte[] value = new byte[random.nextInt(300)];
            random.nextBytes(value);
            keyBuffer.putLong(0, key);
            keyBuffer.putLong(8, ~key);
            valueBuffer.putBytes(0, value);
            store.put(keyGroup, bytes, keyBuffer, 0, 16, valueBuffer, 0, value.length);
            model.put(new Entry(keyGroup, bytes, key), value);
        }
    }

    private static Map<Entry, byte[]> contents(final PagedKeyedStore store)
    {
        final Map<Entry, byte[]> contents = new HashMap<>();
        for (int kg = store.firstKeyGroup(); kg <= store.lastKeyGroup(); kg++)
        {
            store.forEach(kg, -1, (keyGroup, state, key, keyOffset, keyLength, value, valueOffset, valueLength) ->
            {
                final byte[] v = new byte[valueLength];
                value.getBytes(valueOffset, v);
                contents.put(new Entry(keyGroup, state, key.getLong(keyOffset)), v);
            });
        }
        return contents;
    }

    private static void assertSameContents(final Map<Entry, byte[]> expected, final Map<Entry, byte[]> actual,
        final String what)
    {
        assertEquals(expected.keySet(), actual.keySet(), what + ": keys");
        for (final Map.Entry<Entry, byte[]> e : expected.entrySet())
        {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), what + ": value of " + e.getKey());
        }
    }

    private static byte[] nativeLong(final long value)
    {
        final byte[] bytes = new byte[Long.BYTES];
        new UnsafeBuffer(bytes).putLong(0, value);
        return bytes;
    }


    private record Entry(int keyGroup, int state, long key)
    {
    }
}
