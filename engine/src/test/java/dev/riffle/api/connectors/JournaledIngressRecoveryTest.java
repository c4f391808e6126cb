package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connectors.journal.IngressJournal;
import dev.riffle.api.state.TypeSerializer;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.riffle.api.connectors.JournalTesting.CONTEXT;
import static dev.riffle.api.connectors.JournalTesting.STRINGS;
import static dev.riffle.api.connectors.JournalTesting.config;
import static dev.riffle.api.connectors.JournalTesting.editSegment;
import static dev.riffle.api.connectors.JournalTesting.read;
import static dev.riffle.api.connectors.JournalTesting.readAvailable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a journaled ingress recovers after the death of its process: dropped objects, a real SIGKILL,
 * and forged leftovers of threads that died mid-append.
 */
class JournaledIngressRecoveryTest
{
    private static final int SEGMENT = 4096;

    @TempDir
    Path dir;

    @Test
    void journalDroppedWithoutCloseIsReopenedAtItsTailAndReplayed() throws Exception
    {
        final JournaledIngress<String> crashed = ingress();
        final List<String> offered = offer(crashed, 500);
        final long tail = crashed.tail();
        // the process dies: no close, no reader

        final JournaledIngress<String> reopened = ingress();
        assertEquals(tail, reopened.tail(), "the tail is found again");
        reopened.offer("after");
        offered.add("after");
        assertEquals(offered, readAvailable(reopened.createReader(CONTEXT)));
    }

    @Test
    void killedProcessLosesNoAcknowledgedOffer() throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process child = new ProcessBuilder(java, "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), JournalCrashChild.class.getName(), dir.toString(), "4",
            String.valueOf(1 << 16))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        final Map<Integer, Integer> acknowledged = new ConcurrentHashMap<>();
        final AtomicInteger lines = new AtomicInteger();
        final CountDownLatch enough = new CountDownLatch(1);
        final CompletableFuture<Void> stdout = CompletableFuture.runAsync(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null)
                {
                    final String[] parts = line.split(" ");
                    acknowledged.merge(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Math::max);
                    if (lines.incrementAndGet() == 2000)
                    {
                        enough.countDown();
                    }
                }
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        });
        try
        {
            assertTrue(enough.await(60, TimeUnit.SECONDS), "the child acknowledged too little: " + lines.get());
        }
        finally
        {
            // SIGKILL: no shutdown hook, no close, threads mid-append. Through the handle, which
            // (unlike Process.destroyForcibly) leaves the pipe open: acknowledgements printed before
            // the kill are still read
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        stdout.get(30, TimeUnit.SECONDS);

        final JournaledIngress<String> reopened = new JournaledIngress<>(dir, STRINGS, config(1 << 20, 1 << 16));
        final ReplayableSourceReader<String> replay = reopened.createReader(CONTEXT);
        final List<String> records = readAvailable(replay);
        replay.close();
        final Map<Integer, Integer> next = new HashMap<>();
        for (final String record : records)
        {
            final String[] parts = record.split(":");
            final int thread = Integer.parseInt(parts[0]);
            final int expected = next.getOrDefault(thread, 0);
            assertEquals(expected, Integer.parseInt(parts[1]), "thread " + thread + ": once each, in order");
            next.put(thread, expected + 1);
        }
        assertEquals(4, acknowledged.size());
        for (final Map.Entry<Integer, Integer> acked : acknowledged.entrySet())
        {
            assertTrue(next.getOrDefault(acked.getKey(), 0) > acked.getValue(), "thread " + acked.getKey() +
                " acknowledged " + acked.getValue() + ", replayed " + next.get(acked.getKey()));
        }
        final ReplayableSourceReader<String> reader = reopened.createReader(CONTEXT, reopened.tail());
        reopened.offer("after the crash");
        assertEquals(List.of("after the crash"), read(reader, 1), "new entries follow the recovered tail");
    }

    @Test
    void tornLastEntryIsNotReplayedAndDoesNotBlock() throws Exception
    {
        final JournaledIngress<String> crashed = ingress();
        final List<String> offered = offer(crashed, 3);
        final long tail = crashed.tail();
        editSegment(dir, tail / SEGMENT * SEGMENT, buffer ->
        {
            final int offset = (int)(tail % SEGMENT);
            buffer.putInt(offset + 4, IngressJournal.TYPE_DATA);
            buffer.putInt(offset, -(IngressJournal.HEADER_LENGTH + 100)); // length marked, payload half written
            buffer.setMemory(offset + IngressJournal.HEADER_LENGTH, 50, (byte)'t');
        });

        final JournaledIngress<String> reopened = ingress();
        assertEquals(tail + BitUtil.align(IngressJournal.HEADER_LENGTH + 100, 8), reopened.tail(),
            "the torn entry's space is not reused");
        final ReplayableSourceReader<String> reader = reopened.createReader(CONTEXT);
        assertEquals(offered, readAvailable(reader));
        reopened.offer("next");
        assertEquals(List.of("next"), read(reader, 1), "the reader went past the torn entry");
    }

    @Test
    void entryWithOnlyItsTypeWrittenIsTheTail() throws Exception
    {
        final JournaledIngress<String> crashed = ingress();
        final List<String> offered = offer(crashed, 3);
        final long tail = crashed.tail();
        editSegment(dir, tail / SEGMENT * SEGMENT, buffer ->
            buffer.putInt((int)(tail % SEGMENT) + 4, IngressJournal.TYPE_DATA)); // header still zero

        final JournaledIngress<String> reopened = ingress();
        assertEquals(tail, reopened.tail());
        reopened.offer("next");
        offered.add("next");
        assertEquals(offered, readAvailable(reopened.createReader(CONTEXT)));
    }

    @Test
    void entriesDeadThreadsLeftBehindEarlierEntriesAreSkipped() throws Exception
    {
        final JournaledIngress<String> crashed = ingress();
        final List<String> offered = offer(crashed, 200);
        final List<Long> positions = positionsOf(crashed, offered.size());
        // in the first segment, its last entry, and in the last segment: one never started (all zero),
        // one torn (negative length, payload partly written)
        final int lastInFirst = lastIndexIn(positions, 0);
        final int[] untouched = {3, lastInFirst, 190};
        final int[] torn = {10, lastInFirst - 1, 195};
        for (final int i : untouched)
        {
            forge(positions.get(i), (buffer, offset, frame) -> buffer.setMemory(offset, frame, (byte)0));
        }
        for (final int i : torn)
        {
            forge(positions.get(i), (buffer, offset, frame) -> buffer.putInt(offset, -buffer.getInt(offset)));
        }
        final List<String> survivors = new ArrayList<>();
        for (int i = 0; i < offered.size(); i++)
        {
            if (!contains(untouched, i) && !contains(torn, i))
            {
                survivors.add(offered.get(i));
            }
        }

        final JournaledIngress<String> reopened = ingress();
        assertEquals(crashed.tail(), reopened.tail());
        final ReplayableSourceReader<String> reader = reopened.createReader(CONTEXT);
        assertEquals(survivors, readAvailable(reader));
        reopened.offer("next");
        assertEquals(List.of("next"), read(reader, 1));
    }

    @Test
    void corruptEntryFailsNamingItsPosition() throws Exception
    {
        final JournaledIngress<String> crashed = ingress();
        offer(crashed, 200);
        final List<Long> positions = positionsOf(crashed, 200);
        forge(positions.get(5), (buffer, offset, frame) -> buffer.putInt(offset, 3));

        final JournaledIngress<String> reopened = ingress();
        final ReplayableSourceReader<String> reader = reopened.createReader(CONTEXT);
        final IllegalStateException early = assertThrows(IllegalStateException.class, () -> readAvailable(reader));
        assertTrue(early.getMessage().contains("position " + positions.get(5)), early.getMessage());

        forge(positions.get(198), (buffer, offset, frame) -> buffer.putInt(offset + 4, 99));
        final IllegalStateException atOpen = assertThrows(IllegalStateException.class, this::ingress);
        assertTrue(atOpen.getMessage().contains("position " + positions.get(198)), atOpen.getMessage());
    }

    @Test
    void readerWaitsForAnEntryBeingWrittenAndNeverSkipsIt() throws Exception
    {
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final TypeSerializer<String> slow = new TypeSerializer<>()
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
                if (value.equals("slow"))
                {
                    writing.countDown();
                    try
                    {
                        assertTrue(release.await(30, TimeUnit.SECONDS));
                    }
                    catch (final InterruptedException ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }
                STRINGS.write(value, buffer, offset);
            }

            @Override
            public String read(final DirectBuffer buffer, final int offset, final int length)
            {
                return STRINGS.read(buffer, offset, length);
            }
        };
        final JournaledIngress<String> ingress = new JournaledIngress<>(dir, slow, config(100, SEGMENT));
        ingress.offer("first");
        final CompletableFuture<Void> slowOffer = CompletableFuture.runAsync(() -> ingress.tryOffer("slow"));
        assertTrue(writing.await(30, TimeUnit.SECONDS));
        ingress.offer("after");
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        assertEquals(List.of("first"), readAvailable(reader));
        assertEquals(List.of(), readAvailable(reader), "waits at the entry being written");
        release.countDown();
        slowOffer.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("slow", "after"), read(reader, 2));
    }

    private JournaledIngress<String> ingress()
    {
        return new JournaledIngress<>(dir, STRINGS, config(100_000, SEGMENT));
    }

    private static List<String> offer(final JournaledIngress<String> ingress, final int count) throws Exception
    {
        final List<String> offered = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            offered.add("record-" + i + "-" + "z".repeat(i % 61));
            ingress.offer(offered.get(i));
        }
        return offered;
    }

    /**
     * @return the journal position of each of the first {@code count} records, read one at a time.
     */
    private static List<Long> positionsOf(final JournaledIngress<String> ingress, final int count) throws Exception
    {
        final List<Long> positions = new ArrayList<>();
        final ReplayableSourceReader<String> reader = ingress.createReader(CONTEXT);
        final List<String> record = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            // the position before a poll may be that of padding; the entry is the frame before the one after
            assertEquals(1, reader.poll(record::add, 1));
            final int frame = BitUtil.align(IngressJournal.HEADER_LENGTH + STRINGS.length(record.get(i)), 8);
            positions.add(reader.position() - frame);
        }
        reader.close();
        return positions;
    }

    private static int lastIndexIn(final List<Long> positions, final long segment)
    {
        int last = -1;
        for (int i = 0; i < positions.size(); i++)
        {
            if (positions.get(i) / SEGMENT == segment)
            {
                last = i;
            }
        }
        return last;
    }

    private interface Forgery
    {
        void apply(UnsafeBuffer buffer, int offset, int frame);
    }

    private void forge(final long position, final Forgery forgery)
    {
        editSegment(dir, position / SEGMENT * SEGMENT, buffer ->
        {
            final int offset = (int)(position % SEGMENT);
            forgery.apply(buffer, offset, BitUtil.align(buffer.getInt(offset), 8));
        });
    }

    private static boolean contains(final int[] values, final int value)
    {
        for (final int v : values)
        {
            if (v == value)
            {
                return true;
            }
        }
        return false;
    }
}
