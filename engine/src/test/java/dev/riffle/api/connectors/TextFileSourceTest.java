package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.SourceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.riffle.api.connectors.Readers.concat;
import static dev.riffle.api.connectors.Readers.context;
import static dev.riffle.api.connectors.Readers.drain;
import static dev.riffle.api.connectors.Readers.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextFileSourceTest
{
    private static final int[] BUFFER_SIZES = {1, 2, 3, 4, 5, 7, 8, 13, 16, 64, 4096, TextFileSource.DEFAULT_BUFFER_SIZE};

    @TempDir
    Path dir;

    @Test
    void endsLinesAtLfAndCrLf() throws Exception
    {
        assertLines("a\nb\r\nc\r\n", "a", "b", "c");
        assertLines("one\r\ntwo\nthree", "one", "two", "three");
    }

    @Test
    void emitsEmptyLinesAsEmptyStrings() throws Exception
    {
        assertLines("\n\na\n\r\n\nb\n", "", "", "a", "", "", "b");
        assertLines("\n", "");
        assertLines("\r\n", "");
    }

    @Test
    void readsLastLineWithoutTerminatorAndAddsNoLineAfterTrailingTerminator() throws Exception
    {
        assertLines("a\nlast", "a", "last");
        assertLines("a\nlast\n", "a", "last");
        assertLines("x", "x");
    }

    @Test
    void emptyFileHasNoLines() throws Exception
    {
        assertLines("");
    }

    @Test
    void keepsLoneCarriageReturnAsContent() throws Exception
    {
        assertLines("a\rb\nc\r", "a\rb", "c\r");
    }

    @Test
    void readsLinesLongerThanTheBuffer() throws Exception
    {
        final String longLine = "x".repeat(100_000);
        final String alsoLong = "é€".repeat(30_000);
        assertLines(new int[] {7, 16, 4096, TextFileSource.DEFAULT_BUFFER_SIZE},
            "short\n" + longLine + "\r\n" + alsoLong + "\nend", "short", longLine, alsoLong, "end");
        final String line = "ab€".repeat(700);
        assertLines(line + "\r\n" + line + "\n\n" + line, line, line, "", line);
    }

    @Test
    void decodesMultiByteCharactersSplitAcrossReads() throws Exception
    {
        // 2-, 3- and 4-byte UTF-8 sequences at every offset relative to every small buffer size
        final String[] lines = {"é", "aé", "€uro", "a€", "ab€", "𝄞", "a𝄞b", "日本語のテキスト", "", "Ωmega\u00a0end", "🙂🙂🙂"};
        assertLines(String.join("\n", lines) + "\n", lines);
        assertLines(String.join("\r\n", lines), lines);
    }

    @Test
    void unionOfAnyParallelismIsEveryLineOnceInOrder() throws Exception
    {
        final Random random = new Random(42);
        for (int round = 0; round < 30; round++)
        {
            final Text text = randomText(random, random.nextInt(200));
            final Path file = write(text.content);
            for (int i = 0; i < 8; i++)
            {
                final int parallelism = 1 + random.nextInt(i < 4 ? 8 : 300);
                final int bufferSize = BUFFER_SIZES[random.nextInt(BUFFER_SIZES.length)];
                final List<List<String>> byInstance =
                    readAll(new TextFileSource(file, bufferSize), parallelism, 1 + random.nextInt(10));
                // ranges are in file order, so concatenating instances restores the file's order
                assertEquals(text.lines, concat(byInstance), "parallelism " + parallelism + " buffer " + bufferSize);
            }
        }
    }

    @Test
    void rangesCutAtRandomBytesPartitionTheLines() throws Exception
    {
        final Random random = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            final Text text = randomText(random, random.nextInt(60));
            final Path file = write(text.content);
            final long length = Files.size(file);
            final int cuts = random.nextInt(12);
            final long[] bounds = new long[cuts + 2];
            for (int i = 1; i <= cuts; i++)
            {
                bounds[i] = length == 0 ? 0 : (long)(random.nextDouble() * (length + 1));
            }
            bounds[cuts + 1] = length;
            Arrays.sort(bounds);
            final int bufferSize = BUFFER_SIZES[random.nextInt(BUFFER_SIZES.length)];
            final List<String> union = new ArrayList<>();
            for (int i = 0; i + 1 < bounds.length; i++)
            {
                try (TextLineReader reader = TextLineReader.openRange(
                    file, FileChannel.open(file, StandardOpenOption.READ), bounds[i], bounds[i + 1], length, bufferSize))
                {
                    union.addAll(drain(reader, 1 + random.nextInt(5)));
                }
            }
            assertEquals(text.lines, union, "cuts " + Arrays.toString(bounds) + " buffer " + bufferSize);
        }
    }

    @Test
    void splitStartsCoverTheFileWithoutOverflow()
    {
        assertEquals(0, TextFileSource.splitStart(10, 0, 3));
        assertEquals(3, TextFileSource.splitStart(10, 1, 3));
        assertEquals(6, TextFileSource.splitStart(10, 2, 3));
        assertEquals(10, TextFileSource.splitStart(10, 3, 3));
        final long huge = Long.MAX_VALUE - 5;
        final int p = Integer.MAX_VALUE;
        assertEquals(huge, TextFileSource.splitStart(huge, p, p));
        assertTrue(TextFileSource.splitStart(huge, p - 1, p) < huge);
        assertTrue(TextFileSource.splitStart(huge, p - 1, p) > 0);
    }

    @Test
    void streamsAMillionLines() throws Exception
    {
        final int count = 1_000_000;
        final Path file = dir.resolve("million.txt");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            for (int i = 0; i < count; i++)
            {
                out.write("line ");
                out.write(Integer.toString(i));
                out.write(i % 3 == 0 ? " ünïcødé\r\n" : " ascii words here\n");
            }
        }
        final int[] next = {0};
        try (SourceReader<String> reader = new TextFileSource(file).createReader(context(0, 1)))
        {
            int n;
            while ((n = reader.poll(line -> {
                final int i = next[0]++;
                final String expected = "line " + i + (i % 3 == 0 ? " ünïcødé" : " ascii words here");
                if (!expected.equals(line))
                {
                    throw new AssertionError("line " + i + ": " + line);
                }
            }, 1024)) != SourceReader.END_OF_INPUT)
            {
                assertTrue(n > 0);
            }
        }
        assertEquals(count, next[0]);

        final List<List<String>> byInstance = readAll(new TextFileSource(file), 3, 4096);
        assertEquals(count, byInstance.stream().mapToInt(List::size).sum());
        byInstance.forEach(lines -> assertTrue(lines.size() > count / 4, "balanced: " + lines.size()));
    }

    @Test
    void reportsOffsetOfNextLineAndResumesThere() throws Exception
    {
        final String content = "alpha\r\nbé\n\ngamma\nlast";
        final Path file = write(content);
        final byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        final TextFileSource source = new TextFileSource(file, 3);
        final ReplayableSourceReader<String> reader = source.createReader(context(0, 1));
        assertEquals(0, reader.position());
        final List<String> out = new ArrayList<>();
        final long[] expectedPositions = {7, 7 + "bé\n".getBytes(StandardCharsets.UTF_8).length};
        for (final long expected : expectedPositions)
        {
            assertEquals(1, reader.poll(out::add, 1));
            assertEquals(expected, reader.position());
        }
        assertEquals(List.of("", "gamma", "last"), drain(source.createReader(context(0, 1), reader.position()), 10));
        assertEquals(List.of("gamma", "last"), drain(source.createReader(context(0, 1), reader.position() + 1), 10));
        assertEquals(List.of(), drain(source.createReader(context(0, 1), bytes.length), 10));
        drain(reader, 10);
        assertEquals(bytes.length, reader.position());
        reader.close();
    }

    @Test
    void resumesEachInstanceOfAParallelRead() throws Exception
    {
        final Random random = new Random(3);
        final Text text = randomText(random, 500);
        final Path file = write(text.content);
        final TextFileSource source = new TextFileSource(file, 16);
        final int parallelism = 4;
        final List<String> union = new ArrayList<>();
        for (int s = 0; s < parallelism; s++)
        {
            final ReplayableSourceReader<String> first = source.createReader(context(s, parallelism));
            first.poll(union::add, 1 + random.nextInt(20));
            final long position = first.position();
            first.close();
            union.addAll(drain(source.createReader(context(s, parallelism), position), 7));
        }
        assertEquals(text.lines, union);
    }

    @Test
    void rejectsResumePositionInsideALineOrOutsideTheRange() throws Exception
    {
        final Path file = write("abc\ndef\n");
        final TextFileSource source = new TextFileSource(file);
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> source.createReader(context(0, 1), 2));
        assertTrue(ex.getMessage().contains("not the start of a line"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> source.createReader(context(0, 1), 9));
        assertThrows(IllegalArgumentException.class, () -> source.createReader(context(1, 2), 0));
    }

    @Test
    void rejectsMissingFileOrDirectoryAtConstructionNamingThePath()
    {
        final Path missing = dir.resolve("no-such-file.txt");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new TextFileSource(missing));
        assertTrue(ex.getMessage().contains(missing.toString()), ex.getMessage());
        final IllegalArgumentException onDir = assertThrows(IllegalArgumentException.class, () -> new TextFileSource(dir));
        assertTrue(onDir.getMessage().contains("directory"), onDir.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TextFileSource(dir.resolve("x"), 0));
        assertThrows(NullPointerException.class, () -> new TextFileSource(null));
    }

    @Test
    void createReaderFailsNamingThePathWhenTheFileIsGone() throws Exception
    {
        final Path file = write("a\n");
        final TextFileSource source = new TextFileSource(file);
        Files.delete(file);
        final IOException ex = assertThrows(IOException.class, () -> source.createReader(context(0, 1)));
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
    }

    @Test
    void readsTheLengthFixedAtTheFirstReader() throws Exception
    {
        final Path file = write("a\nb\n");
        final TextFileSource source = new TextFileSource(file);
        final SourceReader<String> reader = source.createReader(context(0, 1));
        Files.writeString(file, "c\n", StandardOpenOption.APPEND);
        assertEquals(List.of("a", "b"), drain(reader, 10));
        reader.close();
    }

    private void assertLines(final String content, final String... expected) throws Exception
    {
        assertLines(BUFFER_SIZES, content, expected);
    }

    private void assertLines(final int[] bufferSizes, final String content, final String... expected) throws Exception
    {
        final Path file = write(content);
        for (final int bufferSize : bufferSizes)
        {
            for (final int parallelism : new int[] {1, 2, 3, 7})
            {
                final List<String> lines = concat(readAll(new TextFileSource(file, bufferSize), parallelism, 2));
                assertEquals(List.of(expected), lines, "buffer " + bufferSize + " parallelism " + parallelism);
            }
        }
    }

    private int files;

    private Path write(final String content) throws IOException
    {
        return Files.writeString(dir.resolve("text-" + files++ + ".txt"), content, StandardCharsets.UTF_8);
    }

    private record Text(String content, List<String> lines)
    {
    }

    /**
     * Random lines of ASCII, multi-byte characters, empty lines and long lines, ended by LF or CRLF,
     * the last one with or without terminator.
     */
    private static Text randomText(final Random random, final int lineCount)
    {
        final String[] pieces = {"a", "word ", "é", "€", "𝄞", "日本", " ", "\r", "x".repeat(70)};
        final StringBuilder content = new StringBuilder();
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < lineCount; i++)
        {
            final StringBuilder line = new StringBuilder();
            final int length = random.nextInt(10) == 0 ? 0 : random.nextInt(8);
            for (int j = 0; j < length; j++)
            {
                line.append(pieces[random.nextInt(pieces.length)]);
            }
            final boolean terminated = i < lineCount - 1 || random.nextBoolean();
            String text = line.toString();
            if (terminated && text.endsWith("\r"))
            {
                text = text.substring(0, text.length() - 1) + "r"; // content \r before \n would read as CRLF
            }
            content.append(text);
            if (terminated)
            {
                content.append(random.nextBoolean() ? "\n" : "\r\n");
            }
            if (terminated || !text.isEmpty())
            {
                lines.add(text); // an empty unterminated last line does not exist
            }
        }
        return new Text(content.toString(), lines);
    }
}
