package dev.riffle.benchmarks;

import dev.riffle.state.TemporaryStateDirectory;
import dev.riffle.state.snapshot.CheckpointFiles;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where benchmarks keep live state: in {@link TemporaryStateDirectory#root()}, where the engine puts it by
 * default (/dev/shm when it has room). Live pages on a disk-backed file system would be written back by
 * the kernel while the benchmark runs, and every write after a writeback takes a write-protect fault —
 * a cost of the file system, not of the structure measured. Chronicle Map's files go beside the store's,
 * so that both are measured on the same footing. The directories are {@link TemporaryStateDirectory}'s
 * owned ones: a fork that fails in its set-up or is killed leaves one behind, and the next run of the
 * same benchmark removes it (shared memory would otherwise hold it until a reboot).
 */
final class BenchmarkFiles
{
    private BenchmarkFiles()
    {
    }

    /**
     * @return a new directory for live state, owned by this process; the caller deletes it with
     * {@link #deleteStateDirectory}.
     * @throws IOException if it cannot be created.
     */
    static Path stateDirectory(final String prefix) throws IOException
    {
        return TemporaryStateDirectory.create(prefix);
    }

    /**
     * Deletes a directory {@link #stateDirectory} made, and gives up its ownership.
     *
     * @throws IOException if something cannot be deleted.
     */
    static void deleteStateDirectory(final Path directory) throws IOException
    {
        TemporaryStateDirectory.delete(directory);
    }

    /**
     * Deletes a file or a directory tree; a missing path is not an error.
     *
     * @throws IOException if something cannot be deleted.
     */
    static void deleteRecursively(final Path root) throws IOException
    {
        CheckpointFiles.deleteRecursively(root);
    }
}
