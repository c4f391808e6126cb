package dev.riffle.api.connectors;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.TwoPhaseCommitSinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextFileSinkTwoPhaseCommitTest
{
    @TempDir
    Path dir;

    @Test
    void preparedRecordsAreInvisibleUntilCommitted() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> writer = sink.createWriter(new SinkContext("sink", 1, 2));
        writer.write("a");
        writer.write("b");
        final List<String> first = writer.prepareCommit(5);
        writer.write("c");
        assertTrue(fileNames().contains(".part-1-5.inprogress"), "records after checkpoint 5: " + fileNames());
        final List<String> second = writer.prepareCommit(6);
        assertEquals(List.of(), writer.prepareCommit(7), "nothing written since the last checkpoint");

        assertEquals(List.of(".part-1-5.pending"), first);
        assertEquals(List.of(".part-1-6.pending"), second);
        assertEquals(List.of(), committedLines(), "nothing visible before commit");

        sink.commit(first);
        assertEquals(List.of("a", "b"), committedLines());
        sink.commit(second);
        assertEquals(List.of("a", "b", "c"), committedLines());

        writer.finish();
        writer.close();
        assertEquals(List.of("a", "b", "c"), committedLines(), "finish commits nothing with checkpoints");
        assertEquals(List.of("part-1-5", "part-1-6"), fileNames(), "and leaves no in-progress file");
    }

    @Test
    void committedFilesConcatenateToExactlyTheRecordsWritten() throws Exception
    {
        final TextFileSink<Integer> sink = new TextFileSink<>(dir);
        final List<TwoPhaseCommitSinkWriter<Integer>> writers = List.of(
            sink.createWriter(new SinkContext("sink", 0, 3)),
            sink.createWriter(new SinkContext("sink", 1, 3)),
            sink.createWriter(new SinkContext("sink", 2, 3)));
        final Random random = new Random(3);
        final List<List<Integer>> written = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        int next = 0;
        for (long checkpoint = 1; checkpoint <= 40; checkpoint++)
        {
            final int records = random.nextInt(4) == 0 ? 0 : random.nextInt(2000);
            for (int i = 0; i < records; i++)
            {
                final int s = random.nextInt(3);
                writers.get(s).write(next);
                written.get(s).add(next++);
            }
            final List<String> transactions = new ArrayList<>();
            for (final TwoPhaseCommitSinkWriter<Integer> writer : writers)
            {
                transactions.addAll(writer.prepareCommit(checkpoint));
            }
            sink.commit(transactions);
        }
        for (final TwoPhaseCommitSinkWriter<Integer> writer : writers)
        {
            writer.finish();
            writer.close();
        }
        for (int s = 0; s < 3; s++)
        {
            assertEquals(written.get(s).stream().map(String::valueOf).toList(), committedLinesOf(s), "instance " + s);
        }
        for (final String name : fileNames())
        {
            assertFalse(name.startsWith(".") || name.startsWith("_"), "left behind: " + name);
            assertTrue(name.matches("part-[0-2]-\\d+"), name);
        }
    }

    @Test
    void commitIsIdempotent() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> writer = sink.createWriter(new SinkContext("sink", 0, 1));
        writer.write("x");
        final List<String> tx = writer.prepareCommit(3);
        sink.commit(tx);
        sink.commit(tx); // after a crash the runtime commits the restored checkpoint again
        new TextFileSink<String>(dir).commit(tx); // also from another sink object, in a new process
        assertEquals(List.of("x"), committedLines());
        assertEquals(List.of("part-0-3"), fileNames());
        writer.close();
    }

    @Test
    void aTransactionWithNeitherFileIsReportedLostByName() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> writer = sink.createWriter(new SinkContext("sink", 0, 1));
        writer.write("kept");
        final List<String> tx = new ArrayList<>(writer.prepareCommit(3));
        tx.add(0, ".part-0-2.pending");

        final IllegalStateException lost = assertThrows(IllegalStateException.class, () -> sink.commit(tx));
        assertTrue(lost.getMessage().contains(".part-0-2.pending") && lost.getMessage().contains("lost"),
            lost.getMessage());
        assertEquals(List.of("kept"), committedLines(), "the other transaction is committed all the same");
        assertThrows(IllegalArgumentException.class, () -> sink.commit(List.of("../escape.pending")));
        assertThrows(IllegalArgumentException.class, () -> sink.commit(List.of("part-0-3")));
        writer.close();
    }

    @Test
    void abortUncommittedRemovesInProgressAndPendingButNeverCommittedFiles() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> writer = sink.createWriter(new SinkContext("sink", 0, 2));
        final TwoPhaseCommitSinkWriter<String> other = sink.createWriter(new SinkContext("sink", 1, 2));
        writer.write("committed");
        sink.commit(writer.prepareCommit(1));
        writer.write("prepared, never committed");
        writer.prepareCommit(2);
        writer.write("in progress");
        other.write("in progress before the first checkpoint");
        Files.writeString(dir.resolve("notes.txt"), "not the sink's");
        Files.writeString(dir.resolve("part-7-3"), "committed by an earlier run at parallelism 8");

        sink.abortUncommitted();

        assertEquals(List.of("notes.txt", "part-0-1", "part-7-3"), fileNames());
        new TextFileSink<String>(dir.resolve("missing")).abortUncommitted(); // no directory: nothing to do
    }

    @Test
    void crashedWriterLeavesOnlyCommittedDataAfterRestart() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> crashed = sink.createWriter(new SinkContext("sink", 0, 1));
        for (int i = 0; i < 100; i++)
        {
            crashed.write("r" + i);
        }
        final List<String> checkpoint1 = crashed.prepareCommit(1);
        sink.commit(checkpoint1);
        for (int i = 100; i < 150; i++)
        {
            crashed.write("r" + i);
        }
        final List<String> checkpoint2 = crashed.prepareCommit(2); // prepared; the process dies before commit
        for (int i = 150; i < 170; i++)
        {
            crashed.write("r" + i);
        }
        // abandoned: no close, no finish

        // restart from checkpoint 1, which was committed; checkpoint 2 never completed
        final TextFileSink<String> restarted = new TextFileSink<>(dir);
        restarted.commit(checkpoint1);
        restarted.abortUncommitted();
        final TwoPhaseCommitSinkWriter<String> writer = restarted.createWriter(new SinkContext("sink", 0, 1));
        for (int i = 100; i < 170; i++)
        {
            writer.write("r" + i); // the replay
        }
        restarted.commit(writer.prepareCommit(3));
        writer.finish();
        writer.close();

        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 170; i++)
        {
            expected.add("r" + i);
        }
        assertEquals(expected, committedLines());
        assertEquals(List.of("part-0-1", "part-0-3"), fileNames());
        assertThrows(IllegalStateException.class, () -> restarted.commit(checkpoint2), "checkpoint 2 was aborted");
    }

    @Test
    void closeWithoutFinishKeepsPendingFiles() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> writer = sink.createWriter(new SinkContext("sink", 0, 1));
        writer.write("a");
        final List<String> tx = writer.prepareCommit(4);
        writer.write("b");
        writer.close();

        assertEquals(List.of(".part-0-4.pending"), fileNames(), "the pending file may still be committed");
        sink.commit(tx);
        assertEquals(List.of("a"), committedLines());
    }

    @Test
    void finishRefusesRecordsNoCheckpointCovers() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> writer = sink.createWriter(new SinkContext("sink", 0, 1));
        writer.write("a");
        writer.prepareCommit(1);
        writer.write("after the final checkpoint");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, writer::finish);
        assertTrue(ex.getMessage().contains("after the final checkpoint 1"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> writer.prepareCommit(1), "ids must increase");
        writer.close();
        assertEquals(List.of(".part-0-1.pending"), fileNames());
    }

    @Test
    void idleInstanceWithCheckpointsLeavesNoFiles() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> writer = sink.createWriter(new SinkContext("sink", 0, 1));
        assertEquals(List.of(), writer.prepareCommit(1));
        assertEquals(List.of(), writer.prepareCommit(2));
        writer.finish();
        writer.close();
        assertEquals(List.of(), fileNames(), "the empty in-progress file is deleted, no part file published");
    }

    @Test
    void namesFilesAsDocumented()
    {
        assertEquals(".part-2.inprogress", TextFileSink.inProgressFileName(2));
        assertEquals(".part-2-9.inprogress", TextFileSink.inProgressFileName(2, 9));
        assertEquals(".part-2-10.pending", TextFileSink.pendingFileName(2, 10));
        assertEquals("part-2-10", TextFileSink.committedFileName(2, 10));
    }

    private List<String> fileNames() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Lines of the committed files, files ordered by instance, then checkpoint id.
     */
    private List<String> committedLines() throws IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final String name : committedFiles())
        {
            lines.addAll(Files.readAllLines(dir.resolve(name)));
        }
        return lines;
    }

    private List<String> committedLinesOf(final int subtask) throws IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final String name : committedFiles())
        {
            if (name.startsWith("part-" + subtask + "-"))
            {
                lines.addAll(Files.readAllLines(dir.resolve(name)));
            }
        }
        return lines;
    }

    private List<String> committedFiles() throws IOException
    {
        final Comparator<String> byInstanceThenCheckpoint = Comparator
            .comparingLong((String name) -> Long.parseLong(name.split("-")[1]))
            .thenComparingLong(name -> Long.parseLong(name.split("-")[2]));
        return fileNames().stream()
            .filter(name -> !name.startsWith(".") && !name.startsWith("_") && name.matches("part-\\d+-\\d+"))
            .sorted(byInstanceThenCheckpoint)
            .toList();
    }
}
