package dev.riffle.examples;

import dev.riffle.api.StateBackendType;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command line of the word count: {@code [--input FILE] [--output DIR] [--parallelism N]
 * [--checkpoint-dir DIR] [--checkpoint-interval MS] [--state heap|offheap|chronicle]}.
 *
 * @param input              text to count, or null for the bundled sample.
 * @param output             directory of the part files.
 * @param parallelism        parallelism of the job.
 * @param checkpointDir      checkpoint directory, or null to run without checkpoints.
 * @param checkpointInterval milliseconds between checkpoints.
 * @param state              keyed state backend.
 */
record WordCountOptions(
    Path input, Path output, int parallelism, Path checkpointDir, long checkpointInterval, StateBackendType state)
{
    static final String USAGE = "usage: wordcount [--input FILE] [--output DIR] [--parallelism N] " +
        "[--checkpoint-dir DIR] [--checkpoint-interval MS] [--state heap|offheap|chronicle]";

    static final long DEFAULT_CHECKPOINT_INTERVAL = 1000;

    WordCountOptions(final Path input, final Path output, final int parallelism)
    {
        this(input, output, parallelism, null, DEFAULT_CHECKPOINT_INTERVAL, StateBackendType.OFF_HEAP);
    }

    /**
     * @param args command line.
     * @return the options.
     * @throws IllegalArgumentException on an unknown flag, a missing value, a missing input file or a
     *                                  parallelism below 1, with the usage line.
     */
    static WordCountOptions parse(final String... args)
    {
        Path input = null;
        Path output = Path.of("wordcount-out");
        int parallelism = 1;
        Path checkpointDir = null;
        long checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        boolean intervalGiven = false;
        StateBackendType state = StateBackendType.OFF_HEAP;
        for (int i = 0; i < args.length; i++)
        {
            final String flag = args[i];
            switch (flag)
            {
                case "--input" -> input = Path.of(value(args, ++i, flag));
                case "--output" -> output = Path.of(value(args, ++i, flag));
                case "--parallelism" -> parallelism = parseParallelism(value(args, ++i, flag));
                case "--checkpoint-dir" -> checkpointDir = Path.of(value(args, ++i, flag));
                case "--state" -> state = parseState(value(args, ++i, flag));
                case "--checkpoint-interval" ->
                {
                    checkpointInterval = parseInterval(value(args, ++i, flag));
                    intervalGiven = true;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + flag + "'\n" + USAGE);
            }
        }
        if (null != input && !Files.isReadable(input))
        {
            throw new IllegalArgumentException("input file not found or not readable: " + input + '\n' + USAGE);
        }
        if (intervalGiven && null == checkpointDir)
        {
            throw new IllegalArgumentException("--checkpoint-interval needs --checkpoint-dir\n" + USAGE);
        }
        return new WordCountOptions(input, output, parallelism, checkpointDir, checkpointInterval, state);
    }

    private static StateBackendType parseState(final String text)
    {
        return switch (text)
        {
            case "heap" -> StateBackendType.HEAP;
            case "offheap" -> StateBackendType.OFF_HEAP;
            case "chronicle" -> StateBackendType.CHRONICLE;
            default -> throw new IllegalArgumentException("--state must be heap, offheap or chronicle: " + text +
                '\n' + USAGE);
        };
    }

    private static long parseInterval(final String text)
    {
        final long interval;
        try
        {
            interval = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--checkpoint-interval must be milliseconds: " + text + '\n' + USAGE, ex);
        }
        if (interval < 1)
        {
            throw new IllegalArgumentException("--checkpoint-interval must be >= 1 ms: " + interval + '\n' + USAGE);
        }
        return interval;
    }

    private static String value(final String[] args, final int index, final String flag)
    {
        if (index >= args.length)
        {
            throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
        }
        return args[index];
    }

    private static int parseParallelism(final String text)
    {
        final int parallelism;
        try
        {
            parallelism = Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--parallelism must be a number: " + text + '\n' + USAGE, ex);
        }
        if (parallelism > dev.riffle.api.RiffleConfig.DEFAULT_MAX_PARALLELISM)
        {
            throw new IllegalArgumentException("--parallelism must be at most " +
                dev.riffle.api.RiffleConfig.DEFAULT_MAX_PARALLELISM + " (the number of key groups): " + parallelism +
                '\n' + USAGE);
        }
        if (parallelism < 1)
        {
            throw new IllegalArgumentException("--parallelism must be >= 1: " + parallelism + '\n' + USAGE);
        }
        return parallelism;
    }
}
