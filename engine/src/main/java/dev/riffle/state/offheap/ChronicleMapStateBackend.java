package dev.riffle.state.offheap;

import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.StateBackend;
import dev.riffle.state.TemporaryStateDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Keyed state in Chronicle Map (persisted, off heap) with synchronous full-copy checkpoints: an
 * alternative to the default store and the peer the benchmarks compare it with. Needs Chronicle Map
 * on the class path (an optional dependency of riffle-state-offheap) and its JVM flags (docs/state.md).
 */
public final class ChronicleMapStateBackend implements StateBackend
{
    private final Path directory;

    /**
     * @param stateDirectory where maps go, or null for a temporary directory.
     */
    public ChronicleMapStateBackend(final Path stateDirectory)
    {
        try
        {
            this.directory = null == stateDirectory ? TemporaryStateDirectory.create("riffle-chronicle-") :
                Files.createDirectories(stateDirectory.resolve("job-" + UUID.randomUUID()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the state directory " + stateDirectory + ": " + ex, ex);
        }
    }

    @Override
    public KeyedStateBackend createKeyedStateBackend(
        final int operatorId, final String operatorName, final int subtask, final KeyGroupRange keyGroups,
        final int maxParallelism, final Class<?> keyType)
    {
        return new ChronicleKeyedStateBackend(keyGroups, operatorName, keyType,
            directory.resolve("op-" + operatorId + '-' + subtask + '-' + UUID.randomUUID()));
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
            // best effort
        }
    }
}
