package dev.riffle.state;

import dev.riffle.state.snapshot.CheckpointFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void directoriesOfProcessesThatAreGoneAreRemovedOthersKept() throws Exception
    {
        final Path root = Files.createTempDirectory("riffle-temporary-root-");
        try
        {
            final Process finished = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(finished.waitFor(60, TimeUnit.SECONDS));
            final Path stale = Files.createDirectories(root.resolve(PREFIX + finished.pid() + "-1").resolve("op-1"));
            Files.write(stale.resolve("segment-0.pages"), new byte[4096]);
            final Path mine = Files.createDirectory(root.resolve(PREFIX + ProcessHandle.current().pid() + "-2"));
            final Path foreign = Files.createDirectory(root.resolve(PREFIX + "not-a-pid"));

            TemporaryStateDirectory.removeStale(root, PREFIX);

            assertFalse(Files.exists(stale.getParent()), "the killed process's state is gone");
            assertTrue(Files.isDirectory(mine), "a live process's state is kept");
            assertTrue(Files.isDirectory(foreign), "a name not of the form is left alone");
        }
        finally
        {
            CheckpointFiles.deleteRecursively(root);
        }
    }

    @Test
    void createMakesAnEmptyDirectoryUnderTheRootNamedAfterThisProcess() throws Exception
    {
        final Path created = TemporaryStateDirectory.create(PREFIX);
        try
        {
            assertEquals(TemporaryStateDirectory.root(), created.getParent());
            assertEquals(ProcessHandle.current().pid(),
                TemporaryStateDirectory.pidOf(created.getFileName().toString(), PREFIX));
            try (var entries = Files.list(created))
            {
                assertEquals(0, entries.count());
            }
        }
        finally
        {
            CheckpointFiles.deleteRecursively(created);
        }
    }
}
