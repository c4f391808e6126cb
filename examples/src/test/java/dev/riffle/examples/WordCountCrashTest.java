package dev.riffle.examples;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's promise, tested the hard way: the word count runs in a child JVM that is killed with
 * SIGKILL at random moments, restarted with the same checkpoint directory, and finally allowed to
 * finish. Its committed output must then hold, for every word w occurring n times, exactly the lines
 * {@code w,1} … {@code w,n}, once each — computed independently here.
 */
class WordCountCrashTest
{
    private static final long RUN_TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    @Test
    void killedAndRestartedWordCountCommitsEveryCountExactlyOnce() throws Exception
    {
        crashLoop(150_000, 3, 2, new Random(42));
    }

    @Test
    @Tag("slow")
    void survivesManyCrashesAtRandomMoments() throws Exception
    {
        crashLoop(600_000, 25, 3, new Random());
    }

    private void crashLoop(final int lines, final int crashes, final int parallelism, final Random random)
        throws Exception
    {
        final Path input = dir.resolve("input.txt");
        final Map<String, Integer> reference = writeInput(input, lines, random);
        final Path output = dir.resolve("out");
        final Path checkpoints = dir.resolve("checkpoints");

        int killed = 0;
        for (int i = 0; i < crashes; i++)
        {
            final Process child = start(input, output, checkpoints, parallelism, "crash-" + i);
            final long lifetimeMs = 300 + random.nextInt(1200);
            if (!child.waitFor(lifetimeMs, TimeUnit.MILLISECONDS))
            {
                child.destroyForcibly();
                killed++;
            }
            assertTrue(child.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS), "killed child did not die");
        }
        final Process last = start(input, output, checkpoints, parallelism, "final");
        assertTrue(last.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS), "final run did not finish");
        assertEquals(0, last.exitValue(), () -> "final run failed, see " + dir.resolve("final.log"));
        assertTrue(killed > 0, "no run was killed: the input is too small for the machine");

        assertCommittedOutputIsExactlyOnce(output, reference);
    }

    private Process start(final Path input, final Path output, final Path checkpoints, final int parallelism,
        final String name) throws IOException
    {
        final List<String> command = List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx256m",
            "-cp", System.getProperty("java.class.path"),
            Main.class.getName(), "wordcount",
            "--input", input.toString(),
            "--output", output.toString(),
            "--parallelism", String.valueOf(parallelism),
            "--checkpoint-dir", checkpoints.toString(),
            "--checkpoint-interval", "25");
        return new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .start();
    }

    private static Map<String, Integer> writeInput(final Path input, final int lines, final Random random)
        throws IOException
    {
        final String[] vocabulary = new String[5000];
        for (int i = 0; i < vocabulary.length; i++)
        {
            vocabulary[i] = "w" + Integer.toString(i * 7919, 36);
        }
        final Map<String, Integer> counts = new HashMap<>();
        final Tokenizer tokenizer = new Tokenizer();
        try (BufferedWriter out = Files.newBufferedWriter(input))
        {
            for (int i = 0; i < lines; i++)
            {
                final StringBuilder line = new StringBuilder();
                for (int w = 0; w < 6; w++)
                {
                    line.append(vocabulary[(int)Math.abs(random.nextGaussian() * 800) % vocabulary.length])
                        .append(w % 3 == 2 ? ", " : " ");
                }
                final String text = line.toString();
                out.write(text);
                out.write('\n');
                tokenizer.flatMap(text, word -> counts.merge(word, 1, Integer::sum));
            }
        }
        return counts;
    }

    private static void assertCommittedOutputIsExactlyOnce(final Path output, final Map<String, Integer> reference)
        throws IOException
    {
        final Map<String, List<Integer>> seen = new HashMap<>();
        try (Stream<Path> files = Files.list(output))
        {
            for (final Path file : files.toList())
            {
                final String name = file.getFileName().toString();
                if (name.startsWith(".") || name.startsWith("_"))
                {
                    continue;
                }
                for (final String line : Files.readAllLines(file))
                {
                    final int comma = line.lastIndexOf(',');
                    seen.computeIfAbsent(line.substring(0, comma), k -> new ArrayList<>())
                        .add(Integer.parseInt(line.substring(comma + 1)));
                }
            }
        }
        assertEquals(reference.keySet(), seen.keySet(), "the committed words");
        for (final Map.Entry<String, Integer> e : reference.entrySet())
        {
            final List<Integer> counts = seen.get(e.getKey());
            counts.sort(null);
            final int n = e.getValue();
            boolean exact = counts.size() == n;
            for (int i = 0; exact && i < n; i++)
            {
                exact = counts.get(i) == i + 1;
            }
            final boolean ok = exact;
            assertTrue(ok, () -> "word '" + e.getKey() + "' occurs " + n + " times but its committed counts are " +
                (counts.size() > 20 ? counts.size() + " values from " + counts.get(0) + " to " +
                    counts.get(counts.size() - 1) : counts.toString()));
        }
    }
}
