package dev.riffle.state.offheap;

import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.snapshot.CheckpointFiles;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;
import dev.riffle.store.KeyedStore;
import dev.riffle.store.chronicle.ChronicleKeyedStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Keyed state of one operator instance in Chronicle Map, with the same state encodings as the
 * off-heap backend. Its checkpoint's synchronous phase writes a full copy of the map to a local file
 * on the task thread — O(state), the cost this backend is here to show — and the asynchronous phase
 * moves the file into the checkpoint. Confined to the task thread, except that the asynchronous phase
 * runs on the snapshot thread: a task that ends right after its final checkpoint's barrier closes its
 * backend while that phase may still be to run, so the work directory, which holds the copy, is deleted
 * by whichever of {@link #close()} and the last pending move (or discard) comes last.
 */
final class ChronicleKeyedStateBackend extends StoreKeyedStateBackend
{
    /**
     * v2 and v3: as {@link OffHeapKeyedStateBackend#FORMAT}'s v2 and v4.
     */
    static final String FORMAT = "chronicle-v3";

    private final Path workDirectory;
    private final ChronicleKeyedStore store;
    /** Guards {@link #pendingCopies} and {@link #closed}: the task thread and the snapshot thread meet here. */
    private final Object lifecycle = new Object();
    private int pendingCopies;
    private boolean closed;

    ChronicleKeyedStateBackend(
        final KeyGroupRange keyGroups, final String operatorName, final Class<?> keyType, final Path workDirectory)
    {
        super(keyGroups, operatorName, keyType, "in Chronicle Map");
        this.workDirectory = workDirectory;
        try
        {
            this.store = new ChronicleKeyedStore(workDirectory, keyGroups.start(), keyGroups.end(), 1_000_000);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the Chronicle state of '" + operatorName + "': " + ex, ex);
        }
    }

    @Override
    protected KeyedStore store()
    {
        return store;
    }

    /**
     * @return where the map and the checkpoint copies are kept; for tests.
     */
    Path workDirectory()
    {
        return workDirectory;
    }

    @Override
    public KeyedStateSnapshot snapshot(final long checkpointId)
    {
        final Path copy = workDirectory.resolve("copy-" + checkpointId + ".state");
        try
        {
            store.writeFullCopy(copy);
        }
        catch (final IOException ex)
        {
            return (directory, prefix) ->
            {
                throw new IOException("full copy of the Chronicle state of '" + operatorName + "' failed", ex);
            };
        }
        synchronized (lifecycle)
        {
            pendingCopies++;
        }
        return new CopySnapshot(copy);
    }

    /**
     * The asynchronous phase of one checkpoint: moves the copy into the checkpoint, or deletes it if the
     * checkpoint failed first; either way the copy is no longer pending.
     */
    private final class CopySnapshot implements KeyedStateSnapshot
    {
        private final Path copy;

        CopySnapshot(final Path copy)
        {
            this.copy = copy;
        }

        @Override
        public KeyedStateHandle write(final Path directory, final String prefix) throws IOException
        {
            try
            {
                final String name = prefix + ".chronicle";
                Files.move(copy, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                return new KeyedStateHandle(keyGroups.start(), keyGroups.end(), FORMAT,
                    List.of(CheckpointFiles.describe(directory, name)));
            }
            finally
            {
                copyDone();
            }
        }

        @Override
        public void discard()
        {
            try
            {
                Files.deleteIfExists(copy);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("could not delete the unwritten checkpoint copy " + copy, ex);
            }
            finally
            {
                copyDone();
            }
        }
    }

    private void copyDone()
    {
        synchronized (lifecycle)
        {
            if (0 == --pendingCopies && closed)
            {
                deleteWorkDirectory();
            }
        }
    }

    @Override
    public void restore(final Path checkpointDirectory, final List<KeyedStateHandle> handles) throws IOException
    {
        store.restore(handlesToRestore(handles, FORMAT).stream()
            .map(handle -> checkpointDirectory.resolve(handle.files().get(0).path()))
            .toList());
    }

    /**
     * Closes the map; the work directory goes now, or when the last pending checkpoint copy has been moved
     * out of it or discarded. A copy whose asynchronous phase never runs (its attempt was cancelled) is
     * left to the backend factory's directory, deleted when the job ends.
     */
    @Override
    public void close()
    {
        store.close();
        synchronized (lifecycle)
        {
            closed = true;
            if (0 == pendingCopies)
            {
                deleteWorkDirectory();
            }
        }
    }

    private void deleteWorkDirectory()
    {
        try
        {
            CheckpointFiles.deleteRecursively(workDirectory);
        }
        catch (final IOException ignore)
        {
            // best effort: the map file itself is deleted by the store
        }
    }
}
