package dev.riffle.api.connectors;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextFileSinkTest
{
    @TempDir
    Path dir;

    private static SinkContext context(final int subtask, final int parallelism)
    {
        return new SinkContext("test-sink", subtask, parallelism);
    }

    @Test
    void finishPublishesThePartFileByAtomicRename() throws Exception
    {
        final Path out = dir.resolve("out");
        final SinkWriter<Object> writer = new TextFileSink<>(out).createWriter(context(0, 1));
        writer.write("first");
        writer.write(42);
        writer.write("ünïcødé 日本 𝄞");
        assertEquals(List.of(".part-0.inprogress"), names(out), "only the hidden in-progress file before finish");

        writer.finish();
        writer.close();
        assertEquals(List.of("part-0"), names(out));
        assertEquals("first\n42\nünïcødé 日本 𝄞\n", Files.readString(out.resolve("part-0"), StandardCharsets.UTF_8));
    }

    @Test
    void closeWithoutFinishLeavesNoPartFile() throws Exception
    {
        final SinkWriter<String> writer = new TextFileSink<String>(dir).createWriter(context(0, 1));
        writer.write("lost");
        writer.close();
        assertEquals(List.of(), names(dir));
    }

    @Test
    void parallelInstancesWriteSeparateFiles() throws Exception
    {
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final List<SinkWriter<String>> writers = List.of(
            sink.createWriter(context(0, 3)), sink.createWriter(context(1, 3)), sink.createWriter(context(2, 3)));
        for (int i = 0; i < 30; i++)
        {
            writers.get(i % 3).write("r" + i);
        }
        for (final SinkWriter<String> writer : writers)
        {
            writer.finish();
            writer.close();
        }
        assertEquals(List.of("part-0", "part-1", "part-2"), names(dir));
        for (int s = 0; s < 3; s++)
        {
            final int subtask = s;
            final List<String> expected = Stream.iterate(subtask, i -> i < 30, i -> i + 3).map(i -> "r" + i).collect(Collectors.toList());
            assertEquals(expected, Files.readAllLines(dir.resolve("part-" + subtask)));
        }
    }

    @Test
    void formatsRecordsWithTheGivenFormatter() throws Exception
    {
        final TextFileSink<KeyedCount> sink = new TextFileSink<>(dir, r -> r.word() + "," + r.count());
        final SinkWriter<KeyedCount> writer = sink.createWriter(context(0, 1));
        writer.write(new KeyedCount("to", 1));
        writer.write(new KeyedCount("be", 2));
        writer.finish();
        writer.close();
        assertEquals(List.of("to,1", "be,2"), Files.readAllLines(dir.resolve("part-0")));

        final SinkWriter<KeyedCount> nulls = new TextFileSink<KeyedCount>(dir, r -> null).createWriter(context(0, 1));
        assertThrows(NullPointerException.class, () -> nulls.write(new KeyedCount("x", 1)));
        nulls.close();
    }

    @Test
    void writesManyRecordsThroughTheBuffer() throws Exception
    {
        final SinkWriter<Integer> writer = new TextFileSink<Integer>(dir).createWriter(context(0, 1));
        for (int i = 0; i < 300_000; i++)
        {
            writer.write(i);
        }
        writer.finish();
        writer.close();
        final List<String> lines = Files.readAllLines(dir.resolve("part-0"));
        assertEquals(300_000, lines.size());
        assertEquals("299999", lines.get(299_999));
    }

    @Test
    void createsMissingDirectoriesAndReplacesAnOldPartFile() throws Exception
    {
        final Path out = dir.resolve("a/b/c");
        for (final String run : List.of("old", "new"))
        {
            final SinkWriter<String> writer = new TextFileSink<String>(out).createWriter(context(0, 1));
            writer.write(run);
            writer.finish();
            writer.close();
        }
        assertEquals(List.of("new"), Files.readAllLines(out.resolve("part-0")));
        assertEquals(List.of("part-0"), names(out));
    }

    @Test
    void instanceZeroRemovesPartFilesOfAHigherParallelismOnly() throws Exception
    {
        for (final String name : List.of("part-1", "part-2", "part-17", "notes.txt", "part-x", "part-3.bak"))
        {
            Files.writeString(dir.resolve(name), "old");
        }
        final TextFileSink<String> sink = new TextFileSink<>(dir);
        final SinkWriter<String> second = sink.createWriter(context(1, 2));
        assertTrue(Files.exists(dir.resolve("part-2")), "only instance 0 cleans up");
        final SinkWriter<String> first = sink.createWriter(context(0, 2));
        first.finish();
        first.close();
        second.close();
        assertEquals(List.of("notes.txt", "part-0", "part-1", "part-3.bak", "part-x"), names(dir));
    }

    @Test
    void createWriterFailsNamingTheDirectoryWhenItCannotBeCreated() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "x");
        final Path out = file.resolve("out");
        final IOException ex = assertThrows(IOException.class, () -> new TextFileSink<String>(out).createWriter(context(0, 1)));
        assertTrue(ex.getMessage().contains(out.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("test-sink"), ex.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void namesFilesAsDocumented()
    {
        assertEquals("part-3", TextFileSink.partFileName(3));
        assertEquals(".part-3.inprogress", TextFileSink.inProgressFileName(3));
        assertThrows(NullPointerException.class, () -> new TextFileSink<String>(null));
        assertThrows(NullPointerException.class, () -> new TextFileSink<String>(dir, null));
    }

    private record KeyedCount(String word, long count)
    {
    }

    private static List<String> names(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
