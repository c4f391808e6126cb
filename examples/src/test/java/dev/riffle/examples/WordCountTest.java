package dev.riffle.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordCountTest
{
    @TempDir
    Path dir;

    @Test
    void tokenizerLowerCasesSplitsOnNonWordCharactersAndDropsEmptyTokens()
    {
        final List<String> tokens = new ArrayList<>();
        new Tokenizer().flatMap("  To be, or NOT to-be: that_is 42?! ", tokens::add);
        assertEquals(List.of("to", "be", "or", "not", "to", "be", "that_is", "42"), tokens);
        tokens.clear();
        new Tokenizer().flatMap("--- ,,, ", tokens::add);
        assertEquals(List.of(), tokens);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void everyParallelismCommitsTheLinesOneToNForEachWord(final int parallelism) throws Exception
    {
        final Path input = dir.resolve("input.txt");
        final Map<String, Integer> reference = writeInput(input);
        final Path output = dir.resolve("out-" + parallelism);

        final Map<String, Integer> totals = WordCount.run(
            new WordCountOptions(input, output, parallelism), quiet(), quiet());

        assertEquals(reference, totals);
        final Map<String, List<Integer>> lines = readOutput(output);
        assertEquals(reference.keySet(), lines.keySet());
        reference.forEach((word, n) ->
        {
            final List<Integer> counts = lines.get(word);
            counts.sort(null);
            for (int i = 0; i < n; i++)
            {
                assertEquals(i + 1, counts.get(i), word);
            }
            assertEquals(n, counts.size(), word);
        });
    }

    @Test
    void withoutInputItCountsTheBundledSample() throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Map<String, Integer> totals = WordCount.run(
            new WordCountOptions(null, dir.resolve("out"), 1), new PrintStream(out, true, StandardCharsets.UTF_8), quiet());

        assertEquals(22, totals.get("the"));
        final String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("Top 10 words:") && printed.contains("22  the"), printed);
    }

    @Test
    void badOptionsFailWithTheUsageLine()
    {
        for (final String[] args : List.of(
            new String[]{"--frobnicate"},
            new String[]{"--input"},
            new String[]{"--parallelism", "0"},
            new String[]{"--parallelism", "two"},
            new String[]{"--input", dir.resolve("missing.txt").toString()},
            new String[]{"--checkpoint-interval", "100"},
            new String[]{"--checkpoint-dir", "cp", "--checkpoint-interval", "0"}))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> WordCountOptions.parse(args), String.join(" ", args));
            assertTrue(ex.getMessage().contains(WordCountOptions.USAGE), ex.getMessage());
        }
    }

    private static Map<String, Integer> writeInput(final Path input) throws IOException
    {
        final Random random = new Random(3);
        final Map<String, Integer> counts = new HashMap<>();
        final StringBuilder text = new StringBuilder();
        for (int line = 0; line < 20_000; line++)
        {
            final StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 5; w++)
            {
                sb.append(w == 0 ? "" : random.nextBoolean() ? " " : ", ").append(random.nextBoolean() ? "Word" : "word")
                    .append(random.nextInt(300));
            }
            new Tokenizer().flatMap(sb.toString(), word -> counts.merge(word, 1, Integer::sum));
            text.append(sb).append('\n');
        }
        Files.writeString(input, text);
        return counts;
    }

    private static Map<String, List<Integer>> readOutput(final Path output) throws IOException
    {
        final Map<String, List<Integer>> lines = new HashMap<>();
        try (Stream<Path> files = Files.list(output))
        {
            for (final Path file : files.toList())
            {
                if (file.getFileName().toString().startsWith("."))
                {
                    continue;
                }
                for (final String line : Files.readAllLines(file))
                {
                    final int comma = line.lastIndexOf(',');
                    lines.computeIfAbsent(line.substring(0, comma), k -> new ArrayList<>())
                        .add(Integer.parseInt(line.substring(comma + 1)));
                }
            }
        }
        return lines;
    }

    private static PrintStream quiet()
    {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }
}
