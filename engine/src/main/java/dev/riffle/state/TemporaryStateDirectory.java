package dev.riffle.state;

import dev.riffle.state.snapshot.CheckpointFiles;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where a state backend puts its working files when no state directory is configured: in shared
 * memory ({@code /dev/shm}) when the machine has one with room, as Aeron places its media driver's
 * files, else in the JVM's temporary directory.
 * <p>
 * <b>Why shared memory.</b> Working state needs no durability (checkpoints provide it), yet on a disk
 * file system the kernel writes dirty mapped pages back every few seconds and write-protects them while
 * it does; the task thread's next store to such a page then takes a fault that may wait for the file
 * system's journal — stalls of milliseconds to tens of milliseconds that no checkpoint causes. tmpfs
 * pages are never written back. The price: tmpfs holds state in RAM (and swap), so state larger than
 * RAM needs a state directory on a disk, configured explicitly.
 * <p>
 * Each directory's name carries the creating process's id, so that directories left behind by a
 * process that was killed (a {@code kill -9} skips every clean-up) are removed by the next process that
 * creates one: in shared memory they would otherwise hold RAM until a reboot. A directory whose process
 * is alive is never touched. Thread-safe.
 */
public final class TemporaryStateDirectory
{
    /**
     * Least free space of {@code /dev/shm} for it to be used (a container's default {@code /dev/shm} of
     * 64 MiB is too small for state; overflowing a tmpfs through a mapping crashes the JVM with SIGBUS).
     */
    public static final long MIN_SHARED_MEMORY_BYTES = 2L << 30;

    private static final Path SHARED_MEMORY = Paths.get("/dev/shm");

    private TemporaryStateDirectory()
    {
    }

    /**
     * Creates a new directory {@code <root>/<prefix><pid>-<random>}, after removing the directories of
     * the same prefix whose process no longer runs.
     *
     * @param prefix name prefix, e.g. {@code "riffle-state-"}.
     * @return the new, empty directory; the caller deletes it when done.
     * @throws IOException if it cannot be created.
     */
    public static Path create(final String prefix) throws IOException
    {
        final Path root = root();
        removeStale(root, prefix);
        return Files.createTempDirectory(root, prefix + ProcessHandle.current().pid() + '-');
    }

    /**
     * @return {@code /dev/shm} if it is a writable directory with at least {@link #MIN_SHARED_MEMORY_BYTES}
     * free, else {@code java.io.tmpdir}.
     */
    public static Path root()
    {
        try
        {
            if (Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY) &&
                Files.getFileStore(SHARED_MEMORY).getUsableSpace() >= MIN_SHARED_MEMORY_BYTES)
            {
                return SHARED_MEMORY;
            }
        }
        catch (final IOException | SecurityException ex)
        {
            // not usable: fall back to the temporary directory
        }
        return Paths.get(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Deletes the directories {@code <root>/<prefix><pid>-*} of processes that are gone. Best effort: a
     * directory that cannot be read or deleted is left (another user's, say).
     */
    static void removeStale(final Path root, final String prefix)
    {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, prefix + "*"))
        {
            for (final Path entry : entries)
            {
                final long pid = pidOf(entry.getFileName().toString(), prefix);
                if (pid > 0 && ProcessHandle.of(pid).isEmpty() && Files.isDirectory(entry))
                {
                    try
                    {
                        CheckpointFiles.deleteRecursively(entry);
                    }
                    catch (final IOException | RuntimeException ex)
                    {
                        // left for a later attempt
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // the root cannot be listed: nothing to clean up here
        }
    }

    /**
     * @return the process id in {@code <prefix><pid>-<random>}, or -1 if the name is not of that form
     * (directories of older versions, or someone else's).
     */
    static long pidOf(final String name, final String prefix)
    {
        final int end = name.indexOf('-', prefix.length());
        if (!name.startsWith(prefix) || end <= prefix.length())
        {
            return -1;
        }
        try
        {
            return Long.parseLong(name, prefix.length(), end, 10);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
