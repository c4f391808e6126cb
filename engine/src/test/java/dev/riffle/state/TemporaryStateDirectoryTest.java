package dev.riffle.state;

import dev.riffle.state.snapshot.CheckpointFiles;
import org.junit.jupiter.api.Test;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemporaryStateDirectoryTest
{
    private static final String PREFIX = "riffle-test-state-";

    @Test
    void namesCarryTheProcessId()
    {
        assertEquals(1234, TemporaryStateDirectory.pidOf(PREFIX + "1234-5678", PREFIX));
        assertEquals(-1, TemporaryStateDirectory.pidOf(PREFIX + "12x4-5678", PREFIX));
        assertEquals(-1, TemporaryStateDirectory.pidOf(PREFIX + "-5678", PREFIX));
        assertEquals(-1, TemporaryStateDirectory.pidOf(PREFIX + "1234", PREFIX), "no random part");
        assertEquals(-1, TemporaryStateDirectory.pidOf("other-1234-5678", PREFIX));
    }

    @Test
    void onlyDirectoriesWhoseOwnerIsGoneAreRemoved() throws Exception
    {
        final Path root = Files.createTempDirectory("riffle-temporary-root-");
        try
        {
            final long deadPid = finishedProcessId();
            final Path stale = owned(root.resolve(PREFIX + deadPid + "-1"));
            Files.write(Files.createDirectories(stale.resolve("op-1")).resolve("segment-0.pages"), new byte[4096]);
            final Path locked = owned(root.resolve(PREFIX + deadPid + "-2"));
            final Path mine = owned(root.resolve(PREFIX + ProcessHandle.current().pid() + "-3"));
            final Path noLock = Files.createDirectory(root.resolve(PREFIX + deadPid + "-4"));
            final Path foreign = Files.createDirectory(root.resolve(PREFIX + "not-a-pid"));

            try (FileChannel channel = FileChannel.open(locked.resolve(TemporaryStateDirectory.LOCK),
                StandardOpenOption.WRITE); FileLock held = channel.lock())
            {
                assertTrue(held.isValid());
                TemporaryStateDirectory.removeStale(root, PREFIX);
            }

            assertFalse(Files.exists(stale), "a dead process's directory, lock free: removed");
            for (final Path kept : List.of(locked, mine, noLock, foreign))
            {
                assertTrue(Files.isDirectory(kept), kept + " kept");
            }
        }
        finally
        {
            CheckpointFiles.deleteRecursively(root);
        }
    }

    @Test
    void createLocksTheNewDirectoryAndDeleteReleasesIt() throws Exception
    {
        final Path created = TemporaryStateDirectory.create(PREFIX);
        try
        {
            assertEquals(TemporaryStateDirectory.root(), created.getParent());
            assertEquals(ProcessHandle.current().pid(),
                TemporaryStateDirectory.pidOf(created.getFileName().toString(), PREFIX));
            try (var entries = Files.list(created))
            {
                assertEquals(List.of(created.resolve(TemporaryStateDirectory.LOCK)), entries.toList());
            }
            TemporaryStateDirectory.removeStale(created.getParent(), PREFIX);
            assertTrue(Files.isDirectory(created), "this process's own directory is never removed");
        }
        finally
        {
            TemporaryStateDirectory.delete(created);
        }
        assertFalse(Files.exists(created));
    }

    private static Path owned(final Path directory) throws Exception
    {
        Files.createDirectories(directory);
        Files.createFile(directory.resolve(TemporaryStateDirectory.LOCK));
        return directory;
    }

    private static long finishedProcessId() throws Exception
    {
        final Process finished = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(finished.waitFor(60, TimeUnit.SECONDS));
        return finished.pid();
    }
}
