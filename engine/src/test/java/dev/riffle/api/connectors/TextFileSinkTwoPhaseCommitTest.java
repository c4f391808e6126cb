package dev.riffle.api.connectors;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.TwoPhaseCommitSinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        final List<String> second = writer.prepareCommit(6);
        assertEquals(List.of(), writer.prepareCommit(7), "nothing written since the last checkpoint");

        assertEquals(List.of(".part-1-5.pending"), first);
        assertEquals(List.of(), committedLines(), "nothing visible before commit");

        sink.commit(first);
        assertEquals(List.of("a", "b"), committedLines());
        sink.commit(second);
        assertEquals(List.of("a", "b", "c"), committedLines());
        assertTrue(Files.exists(dir.resolve("part-1-5")) && Files.exists(dir.resolve("part-1-6")));

        writer.finish();
        writer.close();
        assertEquals(List.of("a", "b", "c"), committedLines(), "finish commits nothing with checkpoints");
        assertEquals(List.of("part-1-5", "part-1-6"), fileNames());
    }

    @Test
    void commitIsIdempotentAndLossIsLoud() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> writer = sink.createWriter(new SinkContext("sink", 0, 1));
        writer.write("x");
        final List<String> tx = writer.prepareCommit(3);
        sink.commit(tx);
        sink.commit(tx);
        assertEquals(List.of("x"), committedLines());

        final IllegalStateException lost = assertThrows(IllegalStateException.class,
            () -> sink.commit(List.of(".part-0-99.pending")));
        assertTrue(lost.getMessage().contains(".part-0-99.pending") && lost.getMessage().contains("lost"));
        writer.close();
    }

    @Test
    void abortUncommittedLeavesOnlyCommittedFiles() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final TwoPhaseCommitSinkWriter<String> crashed = sink.createWriter(new SinkContext("sink", 0, 1));
        crashed.write("committed");
        sink.commit(crashed.prepareCommit(1));
        crashed.write("prepared but never committed");
        crashed.prepareCommit(2);
        crashed.write("in progress at the crash");
        // the process dies here: no close, no finish

        sink.abortUncommitted();

        assertEquals(List.of("part-0-1"), fileNames());
        assertEquals(List.of("committed"), committedLines());
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

    private List<String> fileNames() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> committedLines() throws IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final String name : fileNames())
        {
            if (!name.startsWith(".") && !name.startsWith("_"))
            {
                lines.addAll(Files.readAllLines(dir.resolve(name)));
            }
        }
        return lines;
    }
}
