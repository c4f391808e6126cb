package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An 8-byte value that follows a key of 13 bytes or more lives in the page's heap right after its key,
 * at any alignment, so it may straddle two 64-byte lines. The in-place long writes of the byte-key
 * path must mark both lines: a delta snapshot that saved only the first would restore the value's high
 * bytes from the previous image. Values here change in all eight bytes between the snapshots, and every
 * key length from 13 to 44 bytes gives every alignment; one key in eight changes, so that pages go out
 * as deltas rather than full images.
 */
class UnalignedLongDeltaTest
{
    private static final StoreOptions OPTIONS = new StoreOptions(4096, 256);
    private static final int KEYS = 4_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenStores stores = new OpenStores();

    @Test
    void inPlaceLongWritesOfHeapEntriesReachTheDelta() throws Exception
    {
        final PagedKeyedStore store = stores.track(PagedKeyedStore.create(dir.resolve("work"), 0, 3, OPTIONS));
        final int state = store.registerState("v");
        final UnsafeBuffer key = new UnsafeBuffer(new byte[64]);
        for (int k = 0; k < KEYS; k++)
        {
            store.putLong(k & 3, state, key, 0, key(key, k), initial(k));
        }
        final Path snapshots = dir.resolve("snapshots");
        await(store.snapshot(1, snapshots));
        for (int k = 0; k < KEYS; k++)
        {
            if (changed(k) && (k & 1) == 0)
            {
                store.putLong(k & 3, state, key, 0, key(key, k), ~initial(k));
            }
            else if (changed(k))
            {
                store.addLong(k & 3, state, key, 0, key(key, k), 0x0101_0101_0101_0101L);
            }
        }
        final SnapshotResult second = await(store.snapshot(2, snapshots));
        assertTrue(second.deltasWritten() > 0, "the changed pages went out as deltas: " + second);

        final PagedKeyedStore restored = stores.track(PagedKeyedStore.restore(List.of(second.manifest()),
            dir.resolve("restored"), 0, 3, OPTIONS));
        for (int k = 0; k < KEYS; k++)
        {
            final long expected = !changed(k) ? initial(k) :
                (k & 1) == 0 ? ~initial(k) : initial(k) + 0x0101_0101_0101_0101L;
            assertEquals(expected, restored.getLong(k & 3, state, key, 0, key(key, k), 0), "key " + k);
        }
    }

    /**
     * Writes key {@code k}: 13 to 44 bytes, so that key + value never fit a cell.
     *
     * @return its length.
     */
    private static int key(final UnsafeBuffer buffer, final int k)
    {
        final int length = 13 + k % 32;
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)(k >>> (8 * (i & 3)) ^ i));
        }
        return length;
    }

    private static boolean changed(final int k)
    {
        return (k / 32) % 8 == 0;
    }

    private static long initial(final int k)
    {
        return 0x1234_5678_9ABC_DEF0L ^ ((long)k << 20);
    }

    private static SnapshotResult await(final SnapshotHandle handle) throws Exception
    {
        return handle.result().get(30, TimeUnit.SECONDS);
    }

}
