package dev.riffle.runtime.checkpoint;

import dev.riffle.state.snapshot.CheckpointFiles;
import dev.riffle.state.snapshot.CorruptCheckpointException;
import dev.riffle.state.snapshot.FileRef;
import dev.riffle.state.snapshot.KeyedStateHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointStorageTest
{
    @TempDir
    Path dir;

    @Test
    void completedCheckpointRoundTripsWithEveryField() throws Exception
    {
        final CheckpointStorage storage = new CheckpointStorage(dir, "job", 3);
        final CheckpointMetadata written = complete(storage, 1, "state-1");

        final RestoredCheckpoint latest = storage.latest().orElseThrow();

        assertEquals(written, latest.metadata());
        assertEquals(storage.root().resolve("chk-1"), latest.directory());
    }

    @Test
    void keepsOnlyTheRetainedNumberOfCompletedCheckpoints() throws Exception
    {
        final CheckpointStorage storage = new CheckpointStorage(dir, "job", 2);
        for (int id = 1; id <= 5; id++)
        {
            complete(storage, id, "state-" + id);
        }
        assertFalse(Files.exists(storage.root().resolve("chk-3")));
        assertTrue(Files.exists(storage.root().resolve("chk-4")));
        assertTrue(Files.exists(storage.root().resolve("chk-5")));
        assertEquals(5, storage.highestCheckpointId());
    }

    @Test
    void incompleteCheckpointIsNeverUsed() throws Exception
    {
        final CheckpointStorage storage = new CheckpointStorage(dir, "job", 3);
        complete(storage, 1, "one");
        final Path torn = storage.createCheckpointDirectory(2);
        CheckpointFiles.write(torn, "op-1-0.heap", out -> out.write(new byte[]{1, 2, 3}));

        assertEquals(1, storage.latest().orElseThrow().metadata().checkpointId());
        assertEquals(2, storage.highestCheckpointId(), "ids continue after the abandoned checkpoint");
    }

    @Test
    void corruptMetadataFallsBackToThePreviousCheckpoint() throws Exception
    {
        final CheckpointStorage storage = new CheckpointStorage(dir, "job", 3);
        complete(storage, 1, "one");
        complete(storage, 2, "two");
        flipByte(storage.root().resolve("chk-2").resolve(CheckpointStorage.METADATA), 20);

        assertEquals(1, storage.latest().orElseThrow().metadata().checkpointId());
    }

    @Test
    void truncatedStateFileFallsBackToThePreviousCheckpoint() throws Exception
    {
        final CheckpointStorage storage = new CheckpointStorage(dir, "job", 3);
        complete(storage, 1, "one");
        complete(storage, 2, "two");
        final Path stateFile = storage.root().resolve("chk-2").resolve("op-7-0.heap");
        try (RandomAccessFile file = new RandomAccessFile(stateFile.toFile(), "rw"))
        {
            file.setLength(file.length() - 1);
        }

        assertEquals(1, storage.latest().orElseThrow().metadata().checkpointId());
        final CorruptCheckpointException ex = assertThrows(CorruptCheckpointException.class,
            () -> storage.load(storage.root().resolve("chk-2")));
        assertTrue(ex.getMessage().contains("op-7-0.heap") && ex.getMessage().contains("truncated"), ex.getMessage());
    }

    @Test
    void flippedByteInAStateFileIsDetected() throws Exception
    {
        final CheckpointStorage storage = new CheckpointStorage(dir, "job", 3);
        complete(storage, 1, "some state bytes");
        flipByte(storage.root().resolve("chk-1").resolve("op-7-0.heap"), 3);

        assertTrue(storage.latest().isEmpty());
        final CorruptCheckpointException ex = assertThrows(CorruptCheckpointException.class,
            () -> storage.load(storage.root().resolve("chk-1")));
        assertTrue(ex.getMessage().contains("checksum"), ex.getMessage());
    }

    @Test
    void missingDirectoryAndOtherJobsCheckpointAreClearErrors() throws Exception
    {
        final CheckpointStorage other = new CheckpointStorage(dir, "other", 3);
        complete(other, "other", 1, "x");
        final CheckpointStorage storage = new CheckpointStorage(dir, "job", 3);

        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> storage.load(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("does not exist"));
        final IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
            () -> storage.load(other.root().resolve("chk-1")));
        assertTrue(foreign.getMessage().contains("belongs to job 'other'"), foreign.getMessage());
    }

    @Test
    void aSharedFileIsDeletedOnceNoRetainedCheckpointRefersToItAndItIsOlderThanTheOldestRetained()
        throws Exception
    {
        final CheckpointStorage storage = new CheckpointStorage(dir, "job", 2);
        final Path shared = storage.root().resolve("shared");
        completeIncremental(storage, 1, "op-c1.pages");
        completeIncremental(storage, 2, "op-c1.pages", "op-c2.pages");
        // a file of an aborted checkpoint 3 that nothing refers to (yet): newer than the oldest retained
        writeShared(storage, "op-c3.pages");
        completeIncremental(storage, 4, "op-c2.pages", "op-c4.pages");
        // retained: chk-4 and chk-2
        assertTrue(Files.exists(shared.resolve("op-c1.pages")), "c1: chk-2 refers to it");
        assertTrue(Files.exists(shared.resolve("op-c3.pages")), "c3: newer than the oldest retained (chk-2)");

        completeIncremental(storage, 5, "op-c4.pages", "op-c5.pages");
        // retained: chk-5 and chk-4
        assertFalse(Files.exists(shared.resolve("op-c1.pages")), "c1: only chk-1 and chk-2 referred to it");
        assertTrue(Files.exists(shared.resolve("op-c2.pages")), "c2: chk-4 refers to it");
        assertFalse(Files.exists(shared.resolve("op-c3.pages")), "c3: now older than the oldest retained (chk-4)");

        completeIncremental(storage, 6, "op-c6.pages");
        // retained: chk-6 and chk-5
        assertFalse(Files.exists(shared.resolve("op-c2.pages")));
        assertTrue(Files.exists(shared.resolve("op-c4.pages")), "c4: chk-5 refers to it");
        assertTrue(Files.exists(shared.resolve("op-c5.pages")));
        assertTrue(Files.exists(shared.resolve("op-c6.pages")));
    }

    @Test
    void aNewStorageOnAnEarlierRunsCheckpointsKeepsTheSharedFilesTheyReferTo() throws Exception
    {
        final CheckpointStorage earlier = new CheckpointStorage(dir, "job", 2);
        completeIncremental(earlier, 1, "op-c1.pages");
        completeIncremental(earlier, 2, "op-c1.pages", "op-c2.pages");

        // the next run: what chk-2 refers to is read from its metadata on disk
        final CheckpointStorage storage = new CheckpointStorage(dir, "job", 2);
        completeIncremental(storage, 3, "op-c3.pages");
        assertTrue(Files.exists(storage.root().resolve("shared").resolve("op-c1.pages")), "chk-2 refers to c1");
        completeIncremental(storage, 4, "op-c3.pages", "op-c4.pages");
        assertFalse(Files.exists(storage.root().resolve("shared").resolve("op-c1.pages")), "no longer retained");
        assertTrue(Files.exists(storage.root().resolve("shared").resolve("op-c3.pages")));
    }

    /**
     * Completes checkpoint {@code id} whose keyed state is the given files of {@code shared/} (written
     * there if missing), as an incremental state backend's is.
     */
    private static void completeIncremental(final CheckpointStorage storage, final long id, final String... shared)
        throws IOException
    {
        final Path directory = storage.createCheckpointDirectory(id);
        final List<FileRef> files = new java.util.ArrayList<>();
        for (final String name : shared)
        {
            final FileRef ref = writeShared(storage, name);
            files.add(new FileRef("../shared/" + name, ref.length(), ref.crc()));
        }
        storage.complete(directory, new CheckpointMetadata("job", id, 1000 + id, 128, false, List.of(
            new OperatorSubtaskState(7, "count", 0, 1, OperatorSubtaskState.NO_POSITION, List.of(),
                new KeyedStateHandle(0, 127, "offheap-test", files)))));
    }

    private static FileRef writeShared(final CheckpointStorage storage, final String name) throws IOException
    {
        final Path shared = Files.createDirectories(storage.root().resolve("shared"));
        return Files.exists(shared.resolve(name)) ? CheckpointFiles.describe(shared, name) :
            CheckpointFiles.write(shared, name, out -> out.write(name.getBytes()));
    }

    private static CheckpointMetadata complete(final CheckpointStorage storage, final long id, final String content)
        throws IOException
    {
        return complete(storage, "job", id, content);
    }

    private static CheckpointMetadata complete(
        final CheckpointStorage storage, final String jobName, final long id, final String content) throws IOException
    {
        final Path directory = storage.createCheckpointDirectory(id);
        final FileRef file = CheckpointFiles.write(directory, "op-7-0.heap", out -> out.write(content.getBytes()));
        final CheckpointMetadata metadata = new CheckpointMetadata(jobName, id, 1000 + id, 128, false, List.of(
            new OperatorSubtaskState(1, "source", 0, 1, 42 * id, List.of(), null),
            new OperatorSubtaskState(5, "sink", 0, 2, OperatorSubtaskState.NO_POSITION, List.of("tx-" + id, "b"), null),
            new OperatorSubtaskState(7, "count", 0, 2, OperatorSubtaskState.NO_POSITION, List.of(),
                new KeyedStateHandle(0, 63, "heap-v1", List.of(file)))));
        storage.complete(directory, metadata);
        return metadata;
    }

    private static void flipByte(final Path file, final int position) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(position);
            final int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x40);
        }
    }
}
