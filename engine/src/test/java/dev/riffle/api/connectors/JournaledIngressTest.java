package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.connector.SourceReader;
import dev.riffle.api.connectors.journal.IngressJournal;
import dev.riffle.api.state.serialization.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournaledIngressTest
{
    private static final SourceContext CONTEXT = new SourceContext("ingress", 0, 1);

    @TempDir
    Path dir;

    @Test
    void recordsFromFourHostThreadsArriveOnceInPerThreadOrder() throws Exception
    {
        final JournaledIngress<String> ingress = ingress(4096);
        final int perThread = 20_000;
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final int id = t;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        ingress.offer(id + ":" + i);
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            threads.add(thread);
            thread.start();
        }
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        final List<String> read = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (read.size() < 4 * perThread)
        {
            assertTrue(System.nanoTime() < deadline, "records missing: " + read.size());
            if (reader.poll(read::add, 256) == 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        }
        for (final Thread thread : threads)
        {
            thread.join(10_000);
        }
        final Map<String, Integer> next = new HashMap<>();
        for (final String record : read)
        {
            final String[] parts = record.split(":");
            final int expected = next.getOrDefault(parts[0], 0);
            assertEquals(expected, Integer.parseInt(parts[1]), "order of thread " + parts[0]);
            next.put(parts[0], expected + 1);
        }
        assertEquals(4, next.size());
        ingress.close();
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(read::add, 10));
        reader.close();
    }

    @Test
    void reopenedJournalReplaysFromACheckpointedPosition() throws Exception
    {
        final JournaledIngress<String> first = ingress(4096);
        final Random random = new Random(5);
        final List<String> offered = new ArrayList<>();
        for (int i = 0; i < 2000; i++)
        {
            final String record = i + "-" + "x".repeat(random.nextInt(random.nextInt(10) == 0 ? 3000 : 40));
            first.offer(record);
            offered.add(record);
        }
        final ReplayableSourceReader<String> reader = first.createReader(CONTEXT);
        final List<String> read = new ArrayList<>();
        while (read.size() < 700)
        {
            reader.poll(read::add, 700 - read.size());
        }
        final long checkpointed = reader.position();
        reader.close();
        // the process dies: nothing is closed

        final JournaledIngress<String> second = ingress(4096);
        final ReplayableSourceReader<String> replay = second.createReader(CONTEXT, checkpointed);
        final List<String> replayed = new ArrayList<>();
        while (replayed.size() < offered.size() - 700)
        {
            assertTrue(replay.poll(replayed::add, 1000) > 0, "replay stalled at " + replayed.size());
        }
        assertEquals(offered.subList(700, offered.size()), replayed);
        second.offer("after restart");
        replay.poll(replayed::add, 10);
        assertEquals("after restart", replayed.get(replayed.size() - 1));
    }

    @Test
    void entryClaimedButNeverCommittedIsSkippedAfterACrash() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final IngressJournal journal = new IngressJournal(journalDir, 4096);
        final JournaledIngress<String> writer = new JournaledIngress<>(journalDir, Serializers.forType(String.class),
            1 << 20, 4096);
        writer.offer("committed-1");
        journal.close();
        final IngressJournal raw = new IngressJournal(journalDir, 4096);
        raw.claim(10); // the process dies between claim and commit
        raw.close();

        final JournaledIngress<String> reopened = ingress(4096);
        reopened.offer("committed-2");
        final ReplayableSourceReader<String> reader = reopened.createReader(CONTEXT);
        final List<String> read = new ArrayList<>();
        reader.poll(read::add, 10);
        assertEquals(List.of("committed-1", "committed-2"), read);
    }

    @Test
    void backpressureBoundsUnreadBytes() throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir.resolve("journal"),
            Serializers.forType(String.class), 64 * 1024, 1 << 20);
        int accepted = 0;
        while (ingress.tryOffer("y".repeat(1000)))
        {
            accepted++;
            assertTrue(accepted < 1000, "the bound was not enforced");
        }
        assertTrue(accepted >= 60, "accepted " + accepted);
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        reader.poll(r -> { }, 30);
        assertTrue(ingress.tryOffer("z"), "reading freed room");
    }

    @Test
    void committedPositionDeletesOnlyWholeOlderSegments() throws Exception
    {
        final JournaledIngress<String> ingress = ingress(4096);
        for (int i = 0; i < 200; i++)
        {
            ingress.offer("record-" + i + "-" + "p".repeat(100));
        }
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        final List<String> read = new ArrayList<>();
        reader.poll(read::add, 150);
        final long segmentsBefore = segments();
        ingress.positionCommitted(0, reader.position());
        assertTrue(segments() < segmentsBefore, "old segments deleted");
        reader.poll(read::add, 100);
        assertEquals(200, read.size(), "records after the position stay readable");
    }

    @Test
    void closeIsDurableAndEndsTheInput() throws Exception
    {
        final JournaledIngress<String> ingress = ingress(4096);
        ingress.offer("last");
        ingress.close();
        assertThrows(IllegalStateException.class, () -> ingress.offer("too late"));
        final JournaledIngress<String> reopened = ingress(4096);
        assertThrows(IllegalStateException.class, () -> reopened.tryOffer("still closed"));
        final ReplayableSourceReader<String> reader = reopened.createReader(CONTEXT);
        final List<String> read = new ArrayList<>();
        assertEquals(1, reader.poll(read::add, 10));
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(read::add, 10));
        assertFalse(read.isEmpty());
    }

    private JournaledIngress<String> ingress(final int segmentSize)
    {
        return new JournaledIngress<>(dir.resolve("journal"), Serializers.forType(String.class), 1 << 24, segmentSize);
    }

    private long segments() throws Exception
    {
        try (var files = Files.list(dir.resolve("journal")))
        {
            return files.count();
        }
    }
}
