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
