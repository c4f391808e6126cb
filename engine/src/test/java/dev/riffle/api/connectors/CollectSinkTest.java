package dev.riffle.api.connectors;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CollectSinkTest
{
    @Test
    void collectsPerInstanceInArrivalOrder() throws Exception
    {
        final CollectSink<String> sink = new CollectSink<>();
        final SinkWriter<String> second = sink.createWriter(new SinkContext("collect", 1, 2));
        final SinkWriter<String> first = sink.createWriter(new SinkContext("collect", 0, 2));
        second.write("b1");
        first.write("a1");
        second.write("b2");
        assertEquals(List.of("a1", "b1", "b2"), sink.results());
        assertEquals(Map.of(0, List.of("a1"), 1, List.of("b1", "b2")), sink.resultsBySubtask());
        assertEquals(3, sink.size());
        assertEquals(0, sink.finishedWriters());
        first.finish();
        second.finish();
        assertEquals(2, sink.finishedWriters());
    }

    @Test
    void resultsAreSnapshots() throws Exception
    {
        final CollectSink<Integer> sink = new CollectSink<>();
        final SinkWriter<Integer> writer = sink.createWriter(new SinkContext("collect", 0, 1));
        writer.write(1);
        final List<Integer> snapshot = sink.results();
        final List<Integer> bySubtask = sink.resultsBySubtask().get(0);
        writer.write(2);
        assertEquals(List.of(1), snapshot);
        assertEquals(List.of(1), bySubtask);
        assertThrows(UnsupportedOperationException.class, () -> bySubtask.add(3));
    }

    @Test
    void instancesWriteConcurrentlyWhileResultsAreRead() throws Exception
    {
        final CollectSink<Integer> sink = new CollectSink<>();
        final int parallelism = 4;
        final int perInstance = 50_000;
        final List<Thread> threads = new ArrayList<>();
        final Throwable[] failure = new Throwable[1];
        for (int s = 0; s < parallelism; s++)
        {
            final SinkWriter<Integer> writer = sink.createWriter(new SinkContext("collect", s, parallelism));
            final int subtask = s;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < perInstance; i++)
                    {
                        writer.write(subtask * perInstance + i);
                    }
                    writer.finish();
                }
                catch (final Throwable t)
                {
                    synchronized (failure)
                    {
                        failure[0] = t;
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        while (sink.finishedWriters() < parallelism && threads.stream().anyMatch(Thread::isAlive))
        {
            sink.results(); // reading while writing must be safe
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        synchronized (failure)
        {
            assertNull(failure[0]);
        }
        final List<Integer> all = sink.results();
        assertEquals(parallelism * perInstance, all.size());
        for (int i = 0; i < all.size(); i++)
        {
            assertEquals(i, all.get(i));
        }
    }
}
