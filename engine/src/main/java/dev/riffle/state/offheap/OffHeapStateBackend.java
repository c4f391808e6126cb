package dev.riffle.state.offheap;

import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.StateBackend;
import dev.riffle.state.TemporaryStateDirectory;
import dev.riffle.store.StoreOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Keyed state off the Java heap in memory-mapped pages ({@link dev.riffle.store.PagedKeyedStore}):
 * no GC pressure from state, state larger than RAM, O(1) copy-on-write snapshots that write only the
 * pages changed since the previous checkpoint. Each operator instance gets its own store under the
 * state directory; when none is configured, under a temporary one deleted on close, in shared memory
 * where the machine has it ({@link TemporaryStateDirectory}: no writeback of the working pages to a
 * disk).
 */
public final class OffHeapStateBackend implements StateBackend
{
    private final Path directory;
    private final boolean temporary;
    private final StoreOptions options;

    /**
     * @param stateDirectory where stores' pages go, or null for a temporary directory
     *                       ({@link TemporaryStateDirectory}).
     * @param options        page sizing.
     */
    public OffHeapStateBackend(final Path stateDirectory, final StoreOptions options)
    {
        try
        {
            this.temporary = null == stateDirectory;
            this.directory = temporary ? TemporaryStateDirectory.create("riffle-state-") :
                Files.createDirectories(stateDirectory).resolve("job-" + UUID.randomUUID());
            Files.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the state directory " + stateDirectory + ": " + ex, ex);
        }
        this.options = options;
    }

    @Override
    public KeyedStateBackend createKeyedStateBackend(
        final int operatorId,
        final String operatorName,
        final int subtask,
        final KeyGroupRange keyGroups,
        final int maxParallelism,
        final Class<?> keyType)
    {
        return new OffHeapKeyedStateBackend(keyGroups, operatorName, keyType,
            directory.resolve("op-" + operatorId + '-' + subtask + '-' + UUID.randomUUID()), options);
    }

    @Override
    public void close()
    {
        try
        {
            TemporaryStateDirectory.delete(directory);
        }
        catch (final IOException ignore)
        {
            // best effort: the pages were unmapped by the keyed backends
        }
    }

    @Override
    public String toString()
    {
        return "OffHeapStateBackend{" + directory + (temporary ? " (temporary)" : "") + '}';
    }
}
