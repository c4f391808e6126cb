package dev.riffle.state;

import dev.riffle.state.snapshot.CheckpointFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
 * Directories left behind by a process that was killed (a {@code kill -9} skips every clean-up) are
 * removed by the next process that creates one: in shared memory they would otherwise hold RAM until a
 * reboot. Ownership is a lock: the creating process holds an exclusive file lock on the directory's
 * {@value #LOCK} file until it deletes the directory, and the kernel drops the lock when the process
 * dies, however it dies. A directory is removed only if its lock can be taken <em>and</em> the process
 * id in its name does not run here — the lock covers processes in other PID namespaces sharing the
 * same {@code /dev/shm} (containers), the process id the moment between creating a directory and
 * locking it. Thread-safe.
 */
public final class TemporaryStateDirectory
{
    /**
     * Least free space of {@code /dev/shm} for it to be used (a container's default {@code /dev/shm} of
     * 64 MiB is too small for state; overflowing a tmpfs through a mapping crashes the JVM with SIGBUS).
     */
    public static final long MIN_SHARED_MEMORY_BYTES = 2L << 30;

    static final String LOCK = ".owner.lock";
    private static final Path SHARED_MEMORY = Paths.get("/dev/shm");
    /** Lock files of the directories this process created and has not deleted yet. */
    private static final Map<Path, FileChannel> OWNED = new ConcurrentHashMap<>();

    private TemporaryStateDirectory()
    {
    }

    /**
     * Creates a new directory {@code <root>/<prefix><pid>-<random>}, after removing the directories of
     * the same prefix whose process no longer runs.
     *
     * @param prefix name prefix, e.g. {@code "riffle-state-"}.
     * @return the new directory, holding only its lock file; the caller removes it with
     * {@link #delete} when done.
     * @throws IOException if it cannot be created or locked.
     */
    public static Path create(final String prefix) throws IOException
    {
        final Path root = root();
        removeStale(root, prefix);
        final Path directory = Files.createTempDirectory(root, prefix + ProcessHandle.current().pid() + '-');
        final FileChannel lock = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        try
        {
            lock.lock();
        }
        catch (final IOException | RuntimeException ex)
        {
            lock.close();
            CheckpointFiles.deleteRecursively(directory);
            throw ex;
        }
        OWNED.put(directory, lock);
        return directory;
    }

    /**
     * Deletes a directory {@link #create} made, and releases its lock.
     *
     * @param directory the directory.
     * @throws IOException if it cannot be deleted entirely.
     */
    public static void delete(final Path directory) throws IOException
    {
        final FileChannel lock = OWNED.remove(directory);
        try
        {
            if (null != lock)
            {
                lock.close();
            }
        }
        finally
        {
            CheckpointFiles.deleteRecursively(directory);
        }
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
     * Deletes the directories {@code <root>/<prefix><pid>-*} whose owner is gone: no process with that id
     * here, and the lock file free. Best effort: a directory that cannot be read, locked or deleted is
     * left (another user's, say), as is one without a lock file (not made by this class).
     */
    static void removeStale(final Path root, final String prefix)
    {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, prefix + "*"))
        {
            for (final Path entry : entries)
            {
                final long pid = pidOf(entry.getFileName().toString(), prefix);
                if (pid > 0 && ProcessHandle.of(pid).isEmpty() && Files.isDirectory(entry) && ownerGone(entry))
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
     * @return true if the directory's lock file exists and no process holds its lock.
     */
    private static boolean ownerGone(final Path directory)
    {
        final Path lockFile = directory.resolve(LOCK);
        if (!Files.isRegularFile(lockFile) || OWNED.containsKey(directory))
        {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE))
        {
            final FileLock lock = channel.tryLock();
            if (null == lock)
            {
                return false;
            }
            lock.release();
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false; // OverlappingFileLockException: this JVM holds it
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
