package dev.riffle.api.connectors;

import dev.riffle.api.connector.Source;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.connector.SourceReader;

import java.util.ArrayList;
import java.util.List;

/**
 * Drives source readers the way the runtime does, from the calling thread.
 */
final class Readers
{
    private Readers()
    {
    }

    static SourceContext context(final int subtask, final int parallelism)
    {
        return new SourceContext("test-source", subtask, parallelism);
    }

    /**
     * Polls until end of input, failing if a poll emits nothing (these readers never wait).
     */
    static <T> List<T> drain(final SourceReader<T> reader, final int maxRecords) throws Exception
    {
        final List<T> out = new ArrayList<>();
        while (true)
        {
            final int before = out.size();
            final int n = reader.poll(out::add, maxRecords);
            if (n == SourceReader.END_OF_INPUT)
            {
                if (out.size() != before)
                {
                    throw new AssertionError("emitted records in the poll that returned END_OF_INPUT");
                }
                return out;
            }
            if (n != out.size() - before || n < 1 || n > maxRecords)
            {
                throw new AssertionError("poll returned " + n + " but emitted " + (out.size() - before) +
                    " with maxRecords " + maxRecords);
            }
        }
    }

    /**
     * Reads every instance of a source at a parallelism, closing each reader.
     *
     * @return the records of each instance.
     */
    static <T> List<List<T>> readAll(final Source<T> source, final int parallelism, final int maxRecords) throws Exception
    {
        final List<List<T>> all = new ArrayList<>();
        for (int s = 0; s < parallelism; s++)
        {
            try (SourceReader<T> reader = source.createReader(context(s, parallelism)))
            {
                all.add(drain(reader, maxRecords));
            }
        }
        return all;
    }

    static <T> List<T> concat(final List<List<T>> lists)
    {
        final List<T> all = new ArrayList<>();
        lists.forEach(all::addAll);
        return all;
    }
}
