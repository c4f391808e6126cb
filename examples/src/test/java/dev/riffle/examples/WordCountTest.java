package dev.riffle.examples;

import dev.riffle.api.StateBackendType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordCountTest
{
    private static final int LINES = 20_000;

    @TempDir
    Path dir;

    @Test
    void tokenizerLowerCasesSplitsOnRunsOfNonWordCharactersAndDropsEmptyTokens()
    {
        assertEquals(List.of("to", "be", "or", "not", "to", "be"), tokenize("To be, or NOT to-be"));
        // a leading separator makes Pattern.split return an empty first token: it must be dropped
        assertEquals(List.of("that", "is", "the", "question"), tokenize("  --That is;  the\tquestion?! "));
        assertEquals(List.of(), tokenize(""));
        assertEquals(List.of(), tokenize("--- ,,, ...\t"));
    }

    @Test
    void tokenizerTreatsDigitsAndUnderscoreAsWordCharactersAndOtherLettersAsSeparators()
    {
        assertEquals(List.of("that_is", "42", "x1y2", "_"), tokenize("that_is 42 x1y2 _"));
        // \W is ASCII-only in Java (as in Flink's WordCount): accented letters split words
        assertEquals(List.of("caf", "na", "ve", "o", "er"), tokenize("Café naïve O'er"));
    }

    @Test
    void everyParallelismWritesTheLinesOneToNForEachWordAndTheSameSortedOutput() throws Exception
    {
        final Path input = dir.resolve("input.txt");
        final Map<String, Integer> reference = writeInput(input);
        final List<String> expectedLines = expectedLines(reference);

        List<String> first = null;
        for (int parallelism = 1; parallelism <= 4; parallelism++)
        {
            final Path output = dir.resolve("out-" + parallelism);
            final Map<String, Integer> totals = WordCount.run(
                new WordCountOptions(input, output, parallelism), quiet(), quiet());

            assertEquals(reference, totals, "totals at parallelism " + parallelism);
            assertEquals(partFiles(parallelism), fileNames(output), "one finished part file per instance");
            final List<String> sorted = sortedLines(output);
            assertEquals(expectedLines, sorted, "lines w,1..w,n at parallelism " + parallelism);
            if (null == first)
            {
                first = sorted;
            }
            assertEquals(first, sorted, "parallelism " + parallelism + " vs 1");
        }
    }

    @ParameterizedTest
    @EnumSource(StateBackendType.class)
    void everyStateBackendGivesTheSameOutput(final StateBackendType state) throws Exception
    {
        final Path input = dir.resolve("input.txt");
        final Map<String, Integer> reference = writeInput(input);
        final Path output = dir.resolve("out-" + state);

        final Map<String, Integer> totals = WordCount.run(
            new WordCountOptions(input, output, 2, null, WordCountOptions.DEFAULT_CHECKPOINT_INTERVAL, state),
            quiet(), quiet());

        assertEquals(reference, totals);
        assertEquals(expectedLines(reference), sortedLines(output));
    }

    @Test
    void withoutArgumentsItCountsTheBundledSample() throws Exception
    {
        final WordCountOptions defaults = WordCountOptions.parse();
        assertNull(defaults.input(), "no --input: the bundled sample");
        assertEquals(Path.of("wordcount-out"), defaults.output());
        assertEquals(1, defaults.parallelism());
        assertNull(defaults.checkpointDir());
        assertEquals(StateBackendType.OFF_HEAP, defaults.state());

        final Map<String, Integer> reference;
        try (InputStream in = WordCount.class.getResourceAsStream(WordCount.SAMPLE))
        {
            assertNotNull(in, "bundled sample");
            reference = count(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(22, reference.get("the"), "independent count of the sample");

        // same options as no arguments, but writing into the temporary directory, not the working one
        final WordCountOptions options = new WordCountOptions(null, dir.resolve("out"), defaults.parallelism());
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();
        final Map<String, Integer> totals = WordCount.run(options, utf8(out), utf8(progress));

        assertEquals(reference, totals);
        final String printed = out.toString(StandardCharsets.UTF_8);
        final List<String> printedLines = printed.lines().toList();
        assertEquals("Top 10 words:", printedLines.get(0), printed);
        assertEquals(11, printedLines.size(), printed);
        assertEquals(String.format("%8d  %s", 22, "the"), printedLines.get(1), "the top word");
        assertEquals(List.of("the", "of", "to", "and", "that"),
            printedLines.subList(1, 6).stream().map(l -> l.trim().split("\\s+")[1]).toList(), printed);
        assertTrue(progress.toString(StandardCharsets.UTF_8)
            .contains("; " + reference.size() + " distinct words; output in "), progress.toString(StandardCharsets.UTF_8));
        assertEquals(expectedLines(reference), sortedLines(dir.resolve("out")));
    }

    @Test
    void badOptionsFailWithTheUsageLine()
    {
        final String missing = dir.resolve("missing.txt").toString();
        for (final String[] args : List.of(
            new String[]{"--frobnicate"},
            new String[]{"wordcount"},
            new String[]{"--input"},
            new String[]{"--output"},
            new String[]{"--input", missing},
            new String[]{"--input", dir.toString(), "--parallelism"},
            new String[]{"--parallelism", "0"},
            new String[]{"--parallelism", "-3"},
            new String[]{"--parallelism", "two"},
            new String[]{"--parallelism", ""},
            new String[]{"--state", "rocksdb"},
            new String[]{"--checkpoint-interval", "100"},
            new String[]{"--checkpoint-dir", "cp", "--checkpoint-interval", "0"},
            new String[]{"--checkpoint-dir", "cp", "--checkpoint-interval", "1s"}))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> WordCountOptions.parse(args), String.join(" ", args));
            assertTrue(ex.getMessage().contains(WordCountOptions.USAGE), ex.getMessage());
        }
        final IllegalArgumentException missingFile = assertThrows(IllegalArgumentException.class,
            () -> WordCountOptions.parse("--input", missing));
        assertTrue(missingFile.getMessage().contains(missing), missingFile.getMessage());
        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> WordCountOptions.parse("--parallelism", "0"));
        assertTrue(zero.getMessage().startsWith("--parallelism must be >= 1"), zero.getMessage());
    }

    @Test
    void goodOptionsAreParsed() throws IOException
    {
        final Path input = Files.writeString(dir.resolve("in.txt"), "a");
        final WordCountOptions options = WordCountOptions.parse(
            "--parallelism", "3", "--output", "o", "--input", input.toString(), "--state", "heap");
        assertEquals(new WordCountOptions(input, Path.of("o"), 3, null,
            WordCountOptions.DEFAULT_CHECKPOINT_INTERVAL, StateBackendType.HEAP), options);
    }

    /**
     * Writes {@code LINES} lines mixing case, punctuation, digits, underscores, accented letters,
     * empty lines and CRLF endings, and counts the words with {@link #count(String)}.
     */
    private static Map<String, Integer> writeInput(final Path input) throws IOException
    {
        final Random random = new Random(3);
        final String[] separators = {" ", ", ", "  ", "--", "; ", "\t", "!? ", " é ", "'", "…"};
        final StringBuilder text = new StringBuilder();
        for (int line = 0; line < LINES; line++)
        {
            if (random.nextInt(50) == 0)
            {
                text.append(random.nextBoolean() ? "\n" : "...\r\n");
                continue;
            }
            final int words = 1 + random.nextInt(8);
            for (int w = 0; w < words; w++)
            {
                text.append(w == 0 && random.nextBoolean() ? "" : separators[random.nextInt(separators.length)]);
                final String word = switch (random.nextInt(4))
                {
                    case 0 -> "Word" + random.nextInt(400);
                    case 1 -> "w_" + random.nextInt(50);
                    case 2 -> "THE";
                    default -> "word" + random.nextInt(400);
                };
                text.append(word);
            }
            text.append(random.nextInt(10) == 0 ? "\r\n" : "\n");
        }
        Files.writeString(input, text, StandardCharsets.UTF_8);
        return count(text.toString());
    }

    /**
     * The reference count, independent of {@link Tokenizer}: a word is a maximal run of ASCII
     * letters, digits and '_', lower-cased.
     */
    private static Map<String, Integer> count(final String text)
    {
        final Map<String, Integer> counts = new TreeMap<>();
        final StringBuilder word = new StringBuilder();
        for (int i = 0; i <= text.length(); i++)
        {
            final char c = i < text.length() ? text.charAt(i) : ' ';
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
            {
                word.append(c);
            }
            else if (c >= 'A' && c <= 'Z')
            {
                word.append((char)(c - 'A' + 'a'));
            }
            else if (word.length() > 0)
            {
                counts.merge(word.toString(), 1, Integer::sum);
                word.setLength(0);
            }
        }
        return counts;
    }

    private static List<String> expectedLines(final Map<String, Integer> reference)
    {
        final List<String> lines = new ArrayList<>();
        reference.forEach((word, n) -> IntStream.rangeClosed(1, n).forEach(i -> lines.add(word + ',' + i)));
        lines.sort(null);
        return lines;
    }

    private static List<String> sortedLines(final Path output) throws IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final String name : fileNames(output))
        {
            if (!name.startsWith("."))
            {
                lines.addAll(Files.readAllLines(output.resolve(name), StandardCharsets.UTF_8));
            }
        }
        lines.sort(null);
        return lines;
    }

    private static Set<String> partFiles(final int parallelism)
    {
        return IntStream.range(0, parallelism).mapToObj(i -> "part-" + i).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> fileNames(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<String> tokenize(final String line)
    {
        final List<String> tokens = new ArrayList<>();
        new Tokenizer().flatMap(line, tokens::add);
        return tokens;
    }

    private static PrintStream utf8(final OutputStream out)
    {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private static PrintStream quiet()
    {
        return utf8(OutputStream.nullOutputStream());
    }
}
