package dev.riffle.examples;

import java.util.Arrays;

/**
 * Entry point of the examples jar: {@code java -jar riffle-examples.jar <example> [args]}.
 */
public final class Main
{
    private static final String USAGE = "usage: java -jar riffle-examples.jar wordcount [--input FILE] " +
        "[--output DIR] [--parallelism N] [--checkpoint-dir DIR] [--checkpoint-interval MS] [--state heap|offheap|chronicle]";

    private Main()
    {
    }

    /**
     * @param args the example's name, then its arguments; no arguments runs the word count.
     * @throws Exception if the example fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final String example = args.length == 0 ? "wordcount" : args[0];
        final String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (example)
        {
            case "wordcount" -> WordCount.main(rest);
            case "-h", "--help", "help" -> System.out.println(USAGE);
            default ->
            {
                System.err.println("unknown example '" + example + "'\n" + USAGE);
                System.exit(2);
            }
        }
    }
}
