package dev.riffle.examples;

import dev.riffle.api.DataStream;
import dev.riffle.api.JobHandle;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.connectors.EgressSink;
import dev.riffle.api.connectors.TextFileSink;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * The seed's stateful word count: read a text, split it into words, key by word, count each word in
 * {@code ValueState} and emit {@code (word, count)} for every occurrence; the file sink writes the
 * lines {@code word,count}, one part file per parallel instance. Prints progress to stderr once a
 * second and, at the end, a summary and the ten most frequent words.
 */
public final class WordCount
{
    static final String SAMPLE = "hamlet.txt";
    static final String COUNTER_NAME = "CountWithState";

    private WordCount()
    {
    }

    /**
     * @param args {@code [--input FILE] [--output DIR] [--parallelism N] [--checkpoint-dir DIR]
     *             [--checkpoint-interval MS] [--state heap|offheap|chronicle]}.
     * @throws Exception if the job fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final WordCountOptions options;
        try
        {
            options = WordCountOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            System.exit(2);
            return;
        }
        run(options, System.out, System.err);
    }

    /**
     * Runs the job and reports to the given streams.
     *
     * @param options  what to count and where to write.
     * @param out      the top ten words.
     * @param progress progress and summary lines.
     * @return the final count of every word.
     * @throws Exception if the job fails.
     */
    static Map<String, Integer> run(final WordCountOptions options, final PrintStream out, final PrintStream progress)
        throws Exception
    {
        final Path input = null == options.input() ? extractSample() : options.input();
        final RiffleConfig config = new RiffleConfig().defaultParallelism(options.parallelism())
            .stateBackend(options.state());
        if (null != options.checkpointDir())
        {
            // resumes from the latest completed checkpoint in the directory, if there is one
            config.checkpointing()
                .interval(Duration.ofMillis(options.checkpointInterval()))
                .directory(options.checkpointDir());
        }
        final StreamEnvironment env = StreamEnvironment.create(config);
        final TopWords topWords = new TopWords();

        final DataStream<WordWithCount> counts = env.readTextFile(input)
            .flatMap(new Tokenizer()).name("Tokenizer")
            .keyBy(word -> word)
            .map(new CountWithState()).name(COUNTER_NAME);
        counts.sinkTo(new TextFileSink<>(options.output())).name("File Sink");
        counts.sinkTo(new EgressSink<>(topWords)).name("Top Words");

        final long start = System.nanoTime();
        final JobHandle job = env.executeAsync("wordcount");
        long lastRecords = 0;
        long lastNanos = start;
        while (!job.await(Duration.ofSeconds(1)))
        {
            final long now = System.nanoTime();
            final long records = job.metrics().recordsIn(COUNTER_NAME);
            progress.printf("wordcount: %,d records, %,.0f records/s%n",
                records, (records - lastRecords) * 1e9 / Math.max(1, now - lastNanos));
            lastRecords = records;
            lastNanos = now;
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final long records = job.metrics().recordsIn(COUNTER_NAME);
        progress.printf("wordcount: done, %,d records in %.2f s, %,.0f records/s; %,d distinct words; output in %s%n",
            records, seconds, records / Math.max(seconds, 1e-9), topWords.distinctWords(),
            options.output().toAbsolutePath());

        if (null != options.checkpointDir())
        {
            progress.printf("wordcount: %d checkpoints completed in %s, %d restarts%n",
                job.completedCheckpoints(), options.checkpointDir().toAbsolutePath(), job.restarts());
        }
        out.println("Top 10 words:");
        for (final Map.Entry<String, Integer> e : topWords.top(10))
        {
            out.printf("%8d  %s%n", e.getValue(), e.getKey());
        }
        return topWords.top(Integer.MAX_VALUE).stream()
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Path extractSample() throws IOException
    {
        // a fixed name, so that a checkpointed run resumed later reads the same path
        final Path file = Path.of(System.getProperty("java.io.tmpdir"), "riffle-wordcount-" + SAMPLE);
        try (InputStream in = WordCount.class.getResourceAsStream(SAMPLE))
        {
            if (null == in)
            {
                throw new IllegalStateException("bundled sample text " + SAMPLE + " is missing from the class path");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
