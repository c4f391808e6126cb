package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.connector.SourceReader;
import dev.riffle.api.connectors.journal.IngressJournal;
import dev.riffle.api.state.TypeSerializer;
import dev.riffle.api.state.serialization.Serializers;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static dev.riffle.api.connectors.JournalTesting.CONTEXT;
import static dev.riffle.api.connectors.JournalTesting.STRINGS;
import static dev.riffle.api.connectors.JournalTesting.config;
import static dev.riffle.api.connectors.JournalTesting.read;
import static dev.riffle.api.connectors.JournalTesting.readAvailable;
import static dev.riffle.api.connectors.JournalTesting.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournaledIngressTest
{
    @TempDir
    Path dir;

    @Test
    void recordsFromFourHostThreadsArriveOnceInPerThreadOrder() throws Exception
    {
        // small segments and capacity: many segment ends, straddling reservations and waits for room
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, STRINGS, config(256, 4096));
        final int perThread = 25_000;
        final List<CompletableFuture<Void>> hosts = new ArrayList<>();
        final Random sizes = new Random(7);
        final String[] padding = new String[16];
        for (int i = 0; i < padding.length; i++)
        {
            padding[i] = "p".repeat(sizes.nextInt(200));
        }
        for (int t = 0; t < 4; t++)
        {
            final int id = t;
            hosts.add(CompletableFuture.runAsync(() ->
            {
                for (int i = 0; i < perThread; i++)
                {
                    try
                    {
                        ingress.offer(id + ":" + i + ":" + padding[(i + id) & 15]);
                    }
                    catch (final InterruptedException ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }
            }, runnable -> new Thread(runnable, "host-" + id).start()));
        }
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        final List<String> records = read(reader, 4 * perThread);
        CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        final Map<String, Integer> next = new HashMap<>();
        for (final String record : records)
        {
            final String[] parts = record.split(":");
            final int expected = next.getOrDefault(parts[0], 0);
            assertEquals(expected, Integer.parseInt(parts[1]), "order of host thread " + parts[0]);
            next.put(parts[0], expected + 1);
        }
        assertEquals(Map.of("0", perThread, "1", perThread, "2", perThread, "3", perThread), next);
        assertEquals(0, ingress.unread());
        assertEquals(0, reader.poll(records::add, 10), "nothing more");
        ingress.close();
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(records::add, 10));
        reader.close();
    }

    @Test
    void segmentsAreDeletedWhileHostsOfferAndTheReaderReads() throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, STRINGS,
            config(512, 4096).syncEveryOffer(false));
        final int perThread = 20_000;
        final AtomicLong checkpointed = new AtomicLong();
        final AtomicBoolean done = new AtomicBoolean();
        // own threads: the hosts block in offer() when the journal is full, and on a 2-core machine the
        // common pool (JDK 25's CompletableFuture default) would have no thread left for the coordinator
        final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        final List<CompletableFuture<Void>> hosts = new ArrayList<>();
        for (int t = 0; t < 3; t++)
        {
            final int id = t;
            hosts.add(CompletableFuture.runAsync(() ->
            {
                for (int i = 0; i < perThread; i++)
                {
                    try
                    {
                        ingress.offer(id + ":" + i);
                    }
                    catch (final InterruptedException ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }
            }, threads));
        }
        // the coordinator: commits positions the reader reported, as completed checkpoints do
        final java.util.concurrent.atomic.AtomicInteger deleted = new java.util.concurrent.atomic.AtomicInteger();
        final CompletableFuture<Void> coordinator = CompletableFuture.runAsync(() ->
        {
            while (!done.get())
            {
                deleted.addAndGet(ingress.truncateBefore(checkpointed.get()));
                LockSupport.parkNanos(200_000);
            }
        }, threads);
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        final List<String> records = new ArrayList<>();
        final long deadline = System.nanoTime() + JournalTesting.TIMEOUT_NANOS;
        int nextPause = 5_000;
        while (records.size() < 3 * perThread)
        {
            assertTrue(System.nanoTime() - deadline < 0, "records missing: " + records.size());
            if (reader.poll(records::add, 100) == 0)
            {
                LockSupport.parkNanos(50_000);
            }
            if (records.size() >= nextPause)
            {
                nextPause += 5_000;
                // a checkpoint every 5,000 records (~20 segments): the reader lets the coordinator delete
                // before it goes on, so that deletions happen along the way however threads are scheduled
                final int before = deleted.get();
                checkpointed.set(reader.position());
                while (deleted.get() == before)
                {
                    assertTrue(System.nanoTime() - deadline < 0, "no segment deleted at " + records.size());
                    LockSupport.parkNanos(50_000);
                }
            }
        }
        done.set(true);
        coordinator.get(10, TimeUnit.SECONDS);
        assertTrue(deleted.get() > 10, "segments were deleted along the way: " + deleted.get());
        CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        threads.shutdown();
        assertEquals(3 * perThread, records.stream().distinct().count());
        ingress.positionCommitted(0, reader.position()); // the last checkpoint, after the coordinator stopped
        assertEquals(1, segmentFiles(dir).size(), "only the segment holding the position stays");
        ingress.sync();
    }

    @Test
    void syncEveryOfferForcesEachRecord() throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, STRINGS,
            config(100, 4096).syncEveryOffer(true));
        for (int i = 0; i < 100; i++)
        {
            ingress.offer("durable-" + i);
        }
        ingress.close();
        final List<String> read = Readers.drain(ingress.createReader(CONTEXT), 7);
        assertEquals(100, read.size());
        assertEquals("durable-99", read.get(99));
    }

    @Test
    void readerReopenedAtAPositionReplaysExactlyTheSuffix() throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, STRINGS, config(10_000, 4096));
        final List<String> offered = new ArrayList<>();
        for (int i = 0; i < 3000; i++)
        {
            offered.add("record-" + i + "-" + "x".repeat(i % 97));
            ingress.offer(offered.get(i));
        }
        final ReplayableSourceReader<String> first = ingress.createReader(CONTEXT);
        assertEquals(offered.subList(0, 1234), read(first, 1234));
        final long checkpointed = first.position();
        assertEquals(offered.subList(1234, 2000), read(first, 766), "read on past the checkpoint");
        first.close(); // the job fails and restarts from the checkpoint

        final ReplayableSourceReader<String> replay = ingress.createReader(CONTEXT, checkpointed);
        assertEquals(offered.subList(1234, 3000), read(replay, 1766));
        ingress.offer("after the restart");
        assertEquals(List.of("after the restart"), read(replay, 1));
        assertEquals(0, ingress.unread(), "a replayed record frees no room twice");
        replay.close();

        final JournaledIngress<String> reopened = new JournaledIngress<>(dir, STRINGS, config(10_000, 4096));
        final ReplayableSourceReader<String> afterRestart = reopened.createReader(CONTEXT, checkpointed);
        final List<String> expected = new ArrayList<>(offered.subList(1234, 3000));
        expected.add("after the restart");
        assertEquals(expected, readAvailable(afterRestart), "a new process replays the same suffix");
    }

    @Test
    void positionsOutsideTheJournalAreRejected() throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, STRINGS, config(100, 4096));
        ingress.offer("a");
        assertThrows(IllegalArgumentException.class, () -> ingress.createReader(CONTEXT, ingress.tail() + 8));
        assertThrows(IllegalArgumentException.class, () -> ingress.createReader(CONTEXT, 3));
        assertThrows(IllegalArgumentException.class, () -> ingress.createReader(new SourceContext("x", 0, 2)));
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT, 0);
        assertThrows(IllegalStateException.class, () -> ingress.createReader(CONTEXT), "one reader at a time");
        reader.close();
        reader.close();
        ingress.createReader(CONTEXT).close();
    }

    @Test
    void entriesNearTheSegmentEndArePaddedAndRollOver() throws Exception
    {
        final int segment = 4096;
        final JournaledIngress<byte[]> ingress = new JournaledIngress<>(dir, Serializers.forType(byte[].class),
            config(100_000, segment));
        final List<byte[]> offered = new ArrayList<>();
        // every payload length from 0 to 1000: entries end at every offset near each segment end
        for (int round = 0; round < 3; round++)
        {
            for (int length = 0; length <= 1000; length += 1 + round)
            {
                final byte[] record = new byte[length];
                Arrays.fill(record, (byte)length);
                ingress.offer(record);
                offered.add(record);
            }
        }
        assertTrue(segmentFiles(dir).size() > 100, "rolled over many times: " + segmentFiles(dir).size());
        final List<byte[]> read = read(ingress.createReader(CONTEXT), offered.size());
        for (int i = 0; i < offered.size(); i++)
        {
            assertArrayEquals(offered.get(i), read.get(i), "record " + i);
        }
    }

    @Test
    void recordsFromZeroBytesToOverFourKiBRoundTrip() throws Exception
    {
        final JournaledIngress<byte[]> ingress = new JournaledIngress<>(dir, Serializers.forType(byte[].class),
            config(100_000, 64 * 1024));
        final Random random = new Random(11);
        final List<byte[]> offered = new ArrayList<>();
        for (int i = 0; i < 2000; i++)
        {
            final int length = i < 10 ? i : i % 50 == 0 ? 4096 + random.nextInt(8000) : random.nextInt(300);
            final byte[] record = new byte[length];
            random.nextBytes(record);
            offered.add(record);
            assertTrue(ingress.tryOffer(record));
        }
        final List<byte[]> read = read(ingress.createReader(CONTEXT), offered.size());
        for (int i = 0; i < offered.size(); i++)
        {
            assertArrayEquals(offered.get(i), read.get(i), "record " + i);
        }
        final IngressJournal limits = IngressJournal.open(dir.resolve("limits"), 64 * 1024, false);
        assertThrows(IllegalArgumentException.class, () -> ingress.tryOffer(new byte[limits.maxPayloadLength() + 1]));
        assertTrue(ingress.tryOffer(new byte[limits.maxPayloadLength()]), "the largest record fits");
    }

    @Test
    void truncateBeforeDeletesOnlyWholeSegmentsBeforeThePositionAndTheReader() throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, STRINGS, config(100_000, 4096));
        for (int i = 0; i < 400; i++)
        {
            ingress.offer("record-" + i + "-" + "p".repeat(100));
        }
        final int segments = segmentFiles(dir).size();
        assertTrue(segments >= 12, "segments: " + segments);
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        read(reader, 150);
        final long checkpoint = reader.position();

        assertEquals(0, ingress.truncateBefore(4095), "a segment is deleted only when it ends before the position");
        assertEquals(checkpoint / 4096, ingress.truncateBefore(Long.MAX_VALUE), "never past the reader");
        assertEquals(checkpoint / 4096 * 4096, ingress.head());
        assertEquals(segments - checkpoint / 4096, segmentFiles(dir).size());
        assertEquals(String.format("journal-%019d.log", checkpoint / 4096 * 4096), segmentFiles(dir).get(0));

        final List<String> rest = read(reader, 250);
        assertEquals("record-150-" + "p".repeat(100), rest.get(0), "records after the position stay readable");
        ingress.positionCommitted(0, reader.position());
        assertEquals(1, segmentFiles(dir).size(), "the last segment is kept: it holds the tail");
        reader.close();
        assertThrows(IllegalArgumentException.class, () -> ingress.createReader(CONTEXT, checkpoint),
            "a position in a deleted segment cannot be replayed");

        final JournaledIngress<String> reopened = new JournaledIngress<>(dir, STRINGS, config(100_000, 4096));
        assertEquals(ingress.tail(), reopened.tail(), "positions continue after the deleted segments");
    }

    @Test
    void offersWaitWhileTheReaderLagsCapacityRecords() throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, STRINGS, config(8, 4096));
        for (int i = 0; i < 8; i++)
        {
            assertTrue(ingress.tryOffer("r" + i));
        }
        assertFalse(ingress.tryOffer("r8"), "capacity records unread");
        assertFalse(ingress.offer("r8", 2, TimeUnit.MILLISECONDS), "still full at the timeout");
        assertEquals(8, ingress.unread());

        final CountDownLatch started = new CountDownLatch(1);
        final CompletableFuture<Void> blocked = CompletableFuture.runAsync(() ->
        {
            started.countDown();
            try
            {
                ingress.offer("r8");
            }
            catch (final InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertThrows(TimeoutException.class, () -> blocked.get(20, TimeUnit.MILLISECONDS), "offer waits for room");

        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        assertEquals(List.of("r0", "r1", "r2"), read(reader, 3));
        blocked.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("r3", "r4", "r5", "r6", "r7", "r8"), read(reader, 6));
        assertEquals(0, ingress.unread());
    }

    @Test
    void unreadBytesBoundTheLegacyConstructor() throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, STRINGS, 64 * 1024, 1 << 20);
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
        assertThrows(IllegalArgumentException.class, () -> new JournaledIngress<>(dir, STRINGS, 1000, 1 << 20));
    }

    @Test
    void closeEndsTheInputDurablyAndOffersRacingItAreDeliveredOrRefused() throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, STRINGS, config(1 << 20, 1 << 16));
        final List<CompletableFuture<Integer>> hosts = new ArrayList<>();
        for (int t = 0; t < 3; t++)
        {
            final int id = t;
            hosts.add(CompletableFuture.supplyAsync(() ->
            {
                int delivered = 0;
                try
                {
                    while (true)
                    {
                        ingress.offer(id + ":" + delivered);
                        delivered++;
                    }
                }
                catch (final IllegalStateException closed)
                {
                    return delivered;
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }));
        }
        final long deadline = System.nanoTime() + JournalTesting.TIMEOUT_NANOS;
        while (ingress.tail() < 200_000)
        {
            assertTrue(System.nanoTime() - deadline < 0, "the hosts did not offer");
            LockSupport.parkNanos(100_000);
        }
        ingress.close();
        int acknowledged = 0;
        for (final CompletableFuture<Integer> host : hosts)
        {
            acknowledged += host.get(10, TimeUnit.SECONDS);
        }
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        final List<String> records = Readers.drain(reader, 1000);
        assertEquals(acknowledged, records.size(), "every acknowledged offer and nothing else");
        assertThrows(IllegalStateException.class, () -> ingress.tryOffer("too late"));

        final JournaledIngress<String> reopened = new JournaledIngress<>(dir, STRINGS, config(1 << 20, 1 << 16));
        assertTrue(reopened.isClosed());
        assertThrows(IllegalStateException.class, () -> reopened.tryOffer("still closed"));
        assertEquals(records, Readers.drain(reopened.createReader(CONTEXT), 1000));
    }

    @Test
    void aFailingSerializerLeavesNoRecordAndReleasesItsRoom() throws Exception
    {
        final TypeSerializer<String> failing = new TypeSerializer<>()
        {
            @Override
            public int fixedLength()
            {
                return VARIABLE_LENGTH;
            }

            @Override
            public int length(final String value)
            {
                return STRINGS.length(value);
            }

            @Override
            public void write(final String value, final MutableDirectBuffer buffer, final int offset)
            {
                if (value.startsWith("bad"))
                {
                    buffer.putByte(offset, (byte)1);
                    throw new IllegalArgumentException("cannot write " + value);
                }
                STRINGS.write(value, buffer, offset);
            }

            @Override
            public String read(final DirectBuffer buffer, final int offset, final int length)
            {
                return STRINGS.read(buffer, offset, length);
            }
        };
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, failing, config(2, 4096));
        assertTrue(ingress.tryOffer("good-1"));
        assertThrows(IllegalArgumentException.class, () -> ingress.tryOffer("bad"));
        assertTrue(ingress.tryOffer("good-2"), "the failed offer took no room");
        assertEquals(List.of("good-1", "good-2"), readAvailable(ingress.createReader(CONTEXT)));
    }

    @Test
    void ingressJournaledBuildsAReplayableIngress() throws Exception
    {
        final JournaledIngress<Long> ingress = Ingress.journaled(4, dir, Serializers.forType(Long.class));
        assertEquals(4, ingress.capacity());
        assertEquals(1, ingress.maxParallelism());
        for (long i = 0; i < 4; i++)
        {
            ingress.offer(i);
        }
        assertFalse(ingress.tryOffer(4L));
        assertEquals(List.of(0L, 1L, 2L, 3L), read(ingress.createReader(CONTEXT), 4));
        assertThrows(IllegalArgumentException.class, () -> Ingress.journaled(0, dir, Serializers.forType(Long.class)));
        assertThrows(IllegalArgumentException.class,
            () -> new JournaledIngress<>(dir.resolve("other"), STRINGS, config(1, 5000)));
    }
}
