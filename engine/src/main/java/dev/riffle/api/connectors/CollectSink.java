package dev.riffle.api.connectors;

import dev.riffle.api.connector.Sink;
import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps every record in memory, per parallel instance: for tests and small jobs. Read the results
 * from any thread, while the job runs or after it ended.
 * <p>
 * Thread-safety: writers of different instances and readers of the results synchronize on this
 * sink; each {@link #results()} call returns a consistent snapshot copy. A writer re-created for an
 * instance (a restarted job) appends to that instance's list. Memory grows with every record.
 *
 * @param <T> record type.
 */
public final class CollectSink<T> implements Sink<T>
{
    private final Map<Integer, List<T>> bySubtask = new TreeMap<>(); // guarded by this
    private int finishedWriters; // guarded by this

    /**
     * Creates an empty sink.
     */
    public CollectSink()
    {
    }

    @Override
    public SinkWriter<T> createWriter(final SinkContext context)
    {
        final List<T> list;
        synchronized (this)
        {
            list = bySubtask.computeIfAbsent(context.subtask(), k -> new ArrayList<>());
        }
        return new Writer(list);
    }

    /**
     * @return a copy of every record so far: instance 0's in arrival order, then instance 1's, and so on.
     */
    public synchronized List<T> results()
    {
        final List<T> all = new ArrayList<>();
        for (final List<T> list : bySubtask.values())
        {
            all.addAll(list);
        }
        return all;
    }

    /**
     * @return a copy of every record so far, by instance index, each list in arrival order; an
     * instance that has a writer appears even if it received nothing.
     */
    public synchronized Map<Integer, List<T>> resultsBySubtask()
    {
        final Map<Integer, List<T>> copy = new TreeMap<>();
        bySubtask.forEach((subtask, list) -> copy.put(subtask, List.copyOf(list)));
        return copy;
    }

    /**
     * @return number of records so far.
     */
    public synchronized int size()
    {
        int size = 0;
        for (final List<T> list : bySubtask.values())
        {
            size += list.size();
        }
        return size;
    }

    /**
     * @return number of writers that reached end of input ({@link SinkWriter#finish()}).
     */
    public synchronized int finishedWriters()
    {
        return finishedWriters;
    }

    private final class Writer implements SinkWriter<T>
    {
        private final List<T> list;

        Writer(final List<T> list)
        {
            this.list = list;
        }

        @Override
        public void write(final T record)
        {
            synchronized (CollectSink.this)
            {
                list.add(record);
            }
        }

        @Override
        public void finish()
        {
            synchronized (CollectSink.this)
            {
                finishedWriters++;
            }
        }
    }
}
