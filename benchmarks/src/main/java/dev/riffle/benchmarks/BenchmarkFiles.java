package dev.riffle.benchmarks;

import dev.riffle.state.TemporaryStateDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where benchmarks keep live state: in {@link TemporaryStateDirectory#root()}, where the engine puts it by
 * default (/dev/shm when it has room). Live pages on a disk-backed file system would be written back by
 * the kernel while the benchmark runs, and every write after a writeback takes a write-protect fault —
 * a cost of the file system, not of the structure measured. Chronicle Map's files go beside the store's,
 * so that both are measured on the same footing.
 */
final class BenchmarkFiles
{
    private BenchmarkFiles()
    {
    }

    /**
     * @return a new empty directory for live state; the caller deletes it ({@link #deleteRecursively}).
     * @throws IOException if it cannot be created.
     */
    static Path stateDirectory(final String prefix) throws IOException
    {
        return Files.createTempDirectory(TemporaryStateDirectory.root(), prefix);
    }

    /**
     * Deletes a file or a directory tree; a missing path is not an error.
     *
     * @throws IOException if something cannot be deleted.
     */
    static void deleteRecursively(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
