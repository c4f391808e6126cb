package dev.riffle.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link KeyedStore} must do, run against each implementation. One store per class (the
 * Chronicle store takes ~1.6 s to build), so each test uses its own state names and never assumes the
 * store is empty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class KeyedStoreContract
{
    protected static final int FIRST = 4;
    protected static final int LAST = 11;

    protected Path dir;
    protected KeyedStore store;
    private long nextSnapshotId = 1;
    private final List<KeyedStore> restored = new ArrayList<>();

    protected abstract KeyedStore open(Path workDirectory, int firstKeyGroup, int lastKeyGroup) throws IOException;

    protected abstract KeyedStore restore(List<Path> manifests, Path workDirectory, int firstKeyGroup,
        int lastKeyGroup) throws IOException;

    @BeforeAll
    void openStore() throws IOException
    {
        dir = Files.createTempDirectory("riffle-store-contract-");
        store = open(dir.resolve("work"), FIRST, LAST);
    }

    @AfterAll
    void closeStore() throws IOException
    {
        restored.forEach(KeyedStore::close);
        store.close();
        org.agrona.IoUtil.delete(dir.toFile(), true);
    }

    @Test
    void longFastPathsAndByteKeysSeeTheSameEntries()
    {
        final int state = store.registerState("long-paths");
        assertEquals(state, store.registerState("long-paths"));
        assertEquals(-7, store.getLong(FIRST, state, 42, -7));
        assertEquals(5, store.addLong(FIRST, state, 42, 5));
        assertEquals(8, store.addLong(FIRST, state, 42, 3));
        store.putLong(FIRST, state, 43, Long.MIN_VALUE);
        assertEquals(Long.MIN_VALUE, store.getLong(FIRST, state, 43, 0));
        assertEquals(-1, store.getLong(FIRST + 1, state, 42, -1), "other key group");
        assertEquals(-1, store.getLong(FIRST, store.registerState("long-paths-other"), 42, -1), "other state");

        final UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        key.putLong(0, 42);
        assertEquals(8, store.getLong(FIRST, state, key, 0, Long.BYTES, -1));
        assertEquals(10, store.addLong(FIRST, state, key, 0, Long.BYTES, 2));
        final ValueView view = store.get(FIRST, state, key, 0, Long.BYTES);
        assertNotNull(view);
        assertEquals(Long.BYTES, view.length());
        assertEquals(10, view.buffer().getLong(view.offset()));

        assertTrue(store.removeLong(FIRST, state, 42));
        assertFalse(store.removeLong(FIRST, state, 42));
        assertNull(store.get(FIRST, state, key, 0, Long.BYTES));
        assertEquals(0, store.getLong(FIRST, state, 42, 0));
    }

    @Test
    void longFastPathsFindAnEightByteKeyWhateverItsValueLength()
    {
        final int state = store.registerState("long-key-other-values");
        final UnsafeBuffer key = new UnsafeBuffer(new byte[Long.BYTES]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[40]);
        for (final int valueLength : new int[]{0, 4, 12, 13, 40})
        {
            final long k = 1000 + valueLength;
            key.putLong(0, k);
            store.put(FIRST, state, key, 0, Long.BYTES, value, 0, valueLength);
            assertThrows(IllegalStateException.class, () -> store.getLong(FIRST, state, k, 0),
                "a " + valueLength + "-byte value is there, not absent");
            assertThrows(IllegalStateException.class, () -> store.addLong(FIRST, state, k, 1),
                "a " + valueLength + "-byte value is no counter");
            store.putLong(FIRST, state, k, valueLength);
            assertEquals(valueLength, store.getLong(FIRST, state, k, -1));
            assertEquals(Long.BYTES, store.get(FIRST, state, key, 0, Long.BYTES).length(), "replaced, not added");
            assertTrue(store.removeLong(FIRST, state, k));
            assertNull(store.get(FIRST, state, key, 0, Long.BYTES), "no second entry left behind");
        }
    }

    @Test
    void longStatesTakeEightByteKeysAndValuesOnly()
    {
        final int state = store.registerLongState("long-state");
        assertEquals(state, store.registerLongState("long-state"), "found again");
        assertEquals(-7, store.getLong(FIRST, state, 0, -7));
        assertEquals(5, store.addLong(FIRST, state, 0, 5), "key 0 is a key like any other");
        store.putLong(FIRST, state, -1, Long.MAX_VALUE);
        assertEquals(2.5, store.addDouble(FIRST, state, 2, 2.5));
        assertEquals(3, store.addInt(FIRST, state, 3, 3));
        final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
        key.putLong(0, -1);
        assertEquals(Long.MAX_VALUE, store.getLong(FIRST, state, key, 0, Long.BYTES, 0), "its 8 bytes are the long");
        value.putLong(0, 9);
        store.put(FIRST, state, key, 0, Long.BYTES, value, 0, Long.BYTES);
        assertEquals(9, store.getLong(FIRST, state, -1, 0));
        final IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
            () -> store.addLong(FIRST, state, key, 0, 3, 1));
        assertEquals("state 'long-state' is a long state: its keys are 8 bytes, not 3", shortKey.getMessage());
        final IllegalArgumentException longValue = assertThrows(IllegalArgumentException.class,
            () -> store.put(FIRST, state, key, 0, Long.BYTES, value, 0, 16));
        assertEquals("state 'long-state' is a long state: its values are 8 bytes, not 16", longValue.getMessage());
        final Map<Long, Long> seen = new HashMap<>();
        store.forEach(FIRST, state, (keyGroup, s, k, keyOffset, keyLength, v, valueOffset, valueLength) ->
            seen.put(k.getLong(keyOffset), v.getLong(valueOffset)));
        assertEquals(Map.of(0L, 5L, -1L, 9L, 2L, Double.doubleToRawLongBits(2.5), 3L, 3L), seen);
        assertTrue(store.removeLong(FIRST, state, 0));
        assertEquals(-7, store.getLong(FIRST, state, 0, -7));
        assertEquals(-7, store.getLong(FIRST + 1, state, -1, -7), "other key group");
    }

    @Test
    void intAndDoubleValuesLiveInTheSameEightBytes()
    {
        final int ints = store.registerState("ints");
        assertEquals(-3, store.getInt(FIRST, ints, 1, -3));
        assertEquals(5, store.addInt(FIRST, ints, 1, 5));
        assertEquals(Integer.MIN_VALUE + 4, store.addInt(FIRST, ints, 1, Integer.MAX_VALUE), "wraps as int +=");
        assertEquals(Integer.MIN_VALUE + 4, store.getInt(FIRST, ints, 1, 0));
        store.putInt(FIRST, ints, 2, -42);
        assertEquals(-42, store.getInt(FIRST, ints, 2, 0));
        assertEquals(-42, store.getLong(FIRST, ints, 2, 0), "sign-extended long");
        store.putLong(FIRST, ints, 3, 1L << 40);
        assertThrows(IllegalStateException.class, () -> store.getInt(FIRST, ints, 3, 0));

        final int doubles = store.registerState("doubles");
        assertEquals(Double.NaN, store.getDouble(FIRST, doubles, 1, Double.NaN));
        assertEquals(0.0, store.addDouble(FIRST, doubles, 1, -0.0));
        assertEquals(0x0L, Double.doubleToRawLongBits(store.getDouble(FIRST, doubles, 1, 1.0)), "0.0 + -0.0");
        assertEquals(2.5, store.addDouble(FIRST, doubles, 1, 2.5));
        assertEquals(1.25, store.addDouble(FIRST, doubles, 1, -1.25));
        store.putDouble(FIRST, doubles, 2, -0.0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(store.getDouble(FIRST, doubles, 2, 1)));
        final double oddNaN = Double.longBitsToDouble(0x7FF0_0000_0000_0042L);
        store.putDouble(FIRST, doubles, 3, oddNaN);
        assertEquals(0x7FF0_0000_0000_0042L, Double.doubleToRawLongBits(store.getDouble(FIRST, doubles, 3, 0)));
        final double sentinel = Double.longBitsToDouble(KeyedStore.ABSENT_BITS);
        store.putDouble(FIRST, doubles, 4, sentinel);
        assertEquals(KeyedStore.ABSENT_BITS, Double.doubleToRawLongBits(store.getDouble(FIRST, doubles, 4, 7.0)),
            "a stored value with the sentinel's bits is not taken for absent");
        assertEquals(7.0, store.getDouble(FIRST, doubles, 5, 7.0));
    }

    @Test
    void stringCountersIncrementInPlace()
    {
        final int state = store.registerState("word-count");
        final UnsafeBuffer word = new UnsafeBuffer("a-rather-long-word-beyond-an-inline-cell".getBytes());
        final UnsafeBuffer shortWord = new UnsafeBuffer("to".getBytes());
        for (int i = 1; i <= 100; i++)
        {
            assertEquals(i, store.addLong(LAST, state, word, 0, word.capacity(), 1));
            assertEquals(2L * i, store.addLong(LAST, state, shortWord, 0, shortWord.capacity(), 2));
        }
        store.putLong(LAST, state, shortWord, 0, shortWord.capacity(), 7);
        assertEquals(7, store.getLong(LAST, state, shortWord, 0, shortWord.capacity(), -1));
        assertEquals(100, store.getLong(LAST, state, word, 0, word.capacity(), -1));
    }

    @Test
    void byteKeysAreFoundWhereverTheirBytesLive()
    {
        final int state = store.registerState("key-placement");
        final byte[] word = "placement".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final UnsafeBuffer onHeap = new UnsafeBuffer(new byte[32]);
        final UnsafeBuffer offHeap = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(32));
        onHeap.putBytes(3, word);
        offHeap.putBytes(17, word);
        assertEquals(1, store.addLong(FIRST, state, onHeap, 3, word.length, 1));
        assertEquals(2, store.addLong(FIRST, state, offHeap, 17, word.length, 1), "same key, off heap");
        assertEquals(2, store.getLong(FIRST, state, new UnsafeBuffer(word), 0, word.length, -1));
        assertEquals(-1, store.getLong(FIRST, state, offHeap, 17, word.length - 1, -1), "a prefix is another key");
        assertThrows(IndexOutOfBoundsException.class,
            () -> store.getLong(FIRST, state, offHeap, 30, word.length, -1), "key beyond its buffer");
    }

    @Test
    void valuesFromZeroBytesToManyKiBAreStoredReplacedAndRemoved()
    {
        final int state = store.registerState("bytes");
        final Random random = new Random(3);
        final int large = Math.min(store.maxEntrySize() - 64, 12 * 1024);
        final int[] sizes = {0, 1, 7, 8, 9, 15, 16, 17, 100, Math.min(1000, large), large};
        final Map<Integer, byte[]> expected = new HashMap<>();
        final UnsafeBuffer key = new UnsafeBuffer(new byte[64]);
        for (int round = 0; round < 3; round++)
        {
            for (int k = 0; k < 200; k++)
            {
                final int keyLength = keyLength(k);
                writeKey(key, k, keyLength);
                final byte[] value = new byte[sizes[random.nextInt(sizes.length)]];
                random.nextBytes(value);
                store.put(FIRST + k % 8, state, key, 0, keyLength, new UnsafeBuffer(value), 0, value.length);
                expected.put(k, value);
            }
            for (int k = 0; k < 200; k += 3 + round)
            {
                writeKey(key, k, keyLength(k));
                assertEquals(null != expected.remove(k), store.remove(FIRST + k % 8, state, key, 0, keyLength(k)));
            }
        }
        for (int k = 0; k < 200; k++)
        {
            writeKey(key, k, keyLength(k));
            final ValueView view = store.get(FIRST + k % 8, state, key, 0, keyLength(k));
            final byte[] value = expected.get(k);
            if (null == value)
            {
                assertNull(view, "removed key " + k);
            }
            else
            {
                assertNotNull(view, "key " + k);
                assertArrayEquals(value, bytes(view.buffer(), view.offset(), view.length()), "key " + k);
            }
        }
    }

    @Test
    void iterationVisitsOneStateOfOneKeyGroupOrOfARange()
    {
        final int state = store.registerState("iterated");
        final int other = store.registerState("iterated-other");
        for (long k = 0; k < 1000; k++)
        {
            store.putLong(FIRST + (int)(k % 8), state, k, k * 2);
            store.putLong(FIRST + (int)(k % 8), other, k, -1);
        }
        final Map<Long, Long> seen = new HashMap<>();
        store.forEach(FIRST + 3, state, (keyGroup, stateId, key, keyOffset, keyLength, value, valueOffset, length) ->
        {
            assertEquals(FIRST + 3, keyGroup);
            assertEquals(state, stateId);
            assertEquals(Long.BYTES, keyLength);
            seen.put(key.getLong(keyOffset), value.getLong(valueOffset));
        });
        assertEquals(125, seen.size());
        seen.forEach((k, v) -> assertEquals(k * 2, v));

        final long[] count = new long[1];
        store.forEach(FIRST + 2, FIRST + 5, state, (keyGroup, stateId, key, keyOffset, keyLength, value, valueOffset,
            length) -> count[0]++);
        assertEquals(500, count[0]);
    }

    @Test
    void badInputIsRejectedWithSpecificExceptions()
    {
        final int state = store.registerState("bad-input");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[store.maxEntrySize() + 1]);
        final IllegalArgumentException above =
            assertThrows(IllegalArgumentException.class, () -> store.putLong(LAST + 1, state, 1, 1));
        assertTrue(above.getMessage().contains("key group " + (LAST + 1) + " is outside this store's range [" +
            FIRST + ", " + LAST + "]"), above.getMessage());
        for (final int keyGroup : new int[]{FIRST - 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE})
        {
            assertThrows(IllegalArgumentException.class, () -> store.getLong(keyGroup, state, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> store.addLong(keyGroup, state, buffer, 0, 3, 1));
        }
        assertThrows(IllegalArgumentException.class,
            () -> store.put(FIRST, state, buffer, 0, 1, buffer, 0, store.maxEntrySize()));
        store.put(FIRST, state, buffer, 0, 3, buffer, 0, 5);
        assertThrows(IllegalStateException.class, () -> store.addLong(FIRST, state, buffer, 0, 3, 1),
            "a 5-byte value is no counter");
    }

    @Test
    void snapshotRestoresAllKeyGroupsOrASubRange() throws Exception
    {
        final int state = store.registerState("snapshotted");
        for (long k = 0; k < 5000; k++)
        {
            store.putLong(FIRST + (int)(k % 8), state, k, k + 1);
        }
        final SnapshotHandle snapshot = store.snapshot(nextSnapshotId++, dir.resolve("snapshots"));
        for (long k = 0; k < 5000; k++)
        {
            store.putLong(FIRST + (int)(k % 8), state, k, -k); // after the snapshot: not in it
        }
        final SnapshotResult result = snapshot.result().get(30, TimeUnit.SECONDS);
        assertTrue(Files.exists(result.manifest()));

        final KeyedStore upper = track(restore(List.of(result.manifest()), dir.resolve("restored-upper"), 8, LAST));
        assertEquals(state, upper.registerState("snapshotted"), "state ids survive by name");
        for (long k = 0; k < 5000; k++)
        {
            final int keyGroup = FIRST + (int)(k % 8);
            if (keyGroup >= 8)
            {
                assertEquals(k + 1, upper.getLong(keyGroup, state, k, 0), "key " + k);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> upper.getLong(FIRST, state, 0, 0));
    }

    /**
     * Two instances of one operator that registered their states in different orders (and each one state
     * the other lacks), restored together at another parallelism: each entry stays with its state's name.
     */
    @Test
    void snapshotsThatNumberTheirStatesDifferentlyRestoreTogether() throws Exception
    {
        final int middle = 7;
        final KeyedStore lower = track(open(dir.resolve("work-order-lower"), FIRST, middle));
        final KeyedStore upper = track(open(dir.resolve("work-order-upper"), middle + 1, LAST));
        fillInOrder(lower, FIRST, middle, "counts", "names", "lower-only");
        fillInOrder(upper, middle + 1, LAST, "upper-only", "names", "counts");
        final Path snapshots = dir.resolve("snapshots-order");
        final Path lowerManifest = lower.snapshot(1, snapshots.resolve("lower")).result().get(30, TimeUnit.SECONDS)
            .manifest();
        final Path upperManifest = upper.snapshot(1, snapshots.resolve("upper")).result().get(30, TimeUnit.SECONDS)
            .manifest();

        final KeyedStore both = track(restore(List.of(lowerManifest, upperManifest), dir.resolve("restored-order"),
            FIRST, LAST));
        assertFilled(both, FIRST, LAST, middle);
        final KeyedStore reversed = track(restore(List.of(upperManifest, lowerManifest),
            dir.resolve("restored-order-reversed"), FIRST, LAST));
        assertFilled(reversed, FIRST, LAST, middle);
        final KeyedStore straddling = track(restore(List.of(lowerManifest, upperManifest),
            dir.resolve("restored-order-straddling"), middle - 1, middle + 2));
        assertFilled(straddling, middle - 1, middle + 2, middle);
    }

    /**
     * Registers three states in the given order and fills them: a long counter per key in "counts", a
     * string-keyed byte value in "names", and a long in the store's own state (third name).
     */
    private static void fillInOrder(final KeyedStore store, final int first, final int last, final String... order)
    {
        final Map<String, Integer> ids = new HashMap<>();
        for (final String name : order)
        {
            // counts are a long state: renumbered, it must come back as one, in its own tables
            ids.put(name, name.equals("counts") ? store.registerLongState(name) : store.registerState(name));
        }
        final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
        for (int keyGroup = first; keyGroup <= last; keyGroup++)
        {
            for (long k = 0; k < 300; k++)
            {
                store.putLong(keyGroup, ids.get("counts"), k, keyGroup * 1000L + k);
                final int length = key.putStringWithoutLengthAscii(0, "n" + keyGroup + "-" + k);
                final int valueLength = value.putStringWithoutLengthAscii(0, "v" + k);
                store.put(keyGroup, ids.get("names"), key, 0, length, value, 0, valueLength);
                store.putLong(keyGroup, ids.get(order[0].equals("counts") ? order[2] : order[0]), k, -k);
            }
        }
    }

    private static void assertFilled(final KeyedStore store, final int first, final int last, final int middle)
    {
        final int counts = store.registerLongState("counts");
        final int names = store.registerState("names");
        final int lowerOnly = store.registerState("lower-only");
        final int upperOnly = store.registerState("upper-only");
        final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
        for (int keyGroup = first; keyGroup <= last; keyGroup++)
        {
            for (long k = 0; k < 300; k++)
            {
                assertEquals(keyGroup * 1000L + k, store.getLong(keyGroup, counts, k, Long.MIN_VALUE),
                    "count " + k + " of key group " + keyGroup);
                final int length = key.putStringWithoutLengthAscii(0, "n" + keyGroup + "-" + k);
                final ValueView view = store.get(keyGroup, names, key, 0, length);
                assertNotNull(view, "name " + k + " of key group " + keyGroup);
                assertEquals("v" + k, view.buffer().getStringWithoutLengthAscii(view.offset(), view.length()));
                assertEquals(keyGroup <= middle ? -k : Long.MIN_VALUE,
                    store.getLong(keyGroup, lowerOnly, k, Long.MIN_VALUE), "lower-only " + k + " of " + keyGroup);
                assertEquals(keyGroup > middle ? -k : Long.MIN_VALUE,
                    store.getLong(keyGroup, upperOnly, k, Long.MIN_VALUE), "upper-only " + k + " of " + keyGroup);
            }
        }
    }

    @Test
    void damagedSnapshotFilesFailTheRestoreNamingTheFile() throws Exception
    {
        // a store of its own: the files it damages must not be ones the shared store's later incremental
        // snapshots refer to
        final KeyedStore own = track(open(dir.resolve("work-damaged"), FIRST, LAST));
        final int state = own.registerState("damaged");
        for (long k = 0; k < 2000; k++)
        {
            own.putLong(FIRST + (int)(k % 8), state, k, k);
        }
        final Path snapshots = dir.resolve("snapshots-damaged");
        final SnapshotResult result = own.snapshot(1, snapshots).result().get(30, TimeUnit.SECONDS);
        final Path data = snapshots.resolve(result.files().get(result.files().size() - 1).name());

        flip(data, Files.size(data) / 2);
        final CorruptSnapshotException flipped = assertThrows(CorruptSnapshotException.class,
            () -> track(restore(List.of(result.manifest()), dir.resolve("restored-flipped"), FIRST, LAST)));
        assertTrue(flipped.getMessage().contains(data.getFileName().toString()), flipped.getMessage());
        flip(data, Files.size(data) / 2);

        try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw"))
        {
            file.setLength(file.length() - 9);
        }
        final CorruptSnapshotException truncated = assertThrows(CorruptSnapshotException.class,
            () -> track(restore(List.of(result.manifest()), dir.resolve("restored-truncated"), FIRST, LAST)));
        assertTrue(truncated.getMessage().contains(data.getFileName().toString()), truncated.getMessage());
    }

    protected KeyedStore track(final KeyedStore store)
    {
        restored.add(store);
        return store;
    }

    protected static void flip(final Path file, final long position) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(position);
            final int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x55);
        }
    }

    /**
     * @return 0 for key 0 (the empty key), else 1 to 39 bytes; the first byte is the id, so keys differ.
     */
    private static int keyLength(final int id)
    {
        return 0 == id ? 0 : 1 + id % 39;
    }

    private static void writeKey(final UnsafeBuffer key, final int id, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            key.putByte(i, (byte)(id * 31 + i * 7));
        }
        if (length > 0)
        {
            key.putByte(0, (byte)id);
        }
    }

    private static byte[] bytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    static boolean sameBytes(final byte[] a, final byte[] b)
    {
        return Arrays.equals(a, b);
    }
}
