package dev.riffle.api.connectors;

import dev.riffle.api.connector.SourceReader;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.riffle.api.connectors.Readers.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IngressTest
{
    private static final int PRODUCERS = 4;

    /** A record of producer {@code producer}, its {@code seq}-th. */
    private record Event(int producer, int seq)
    {
    }

    @Test
    void deliversEveryRecordOnceInEachProducersOrderFromFourThreads() throws Exception
    {
        final int perProducer = 100_000;
        final Ingress<Event> ingress = new Ingress<>(64); // small: producers keep waiting for room
        final Drainer<Event> drainer = Drainer.start(ingress);
        final List<Thread> producers = new ArrayList<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int p = 0; p < PRODUCERS; p++)
        {
            final int producer = p;
            producers.add(start("producer-" + p, failure, () ->
            {
                for (int seq = 0; seq < perProducer; seq++)
                {
                    ingress.offer(new Event(producer, seq));
                }
            }));
        }
        for (final Thread producer : producers)
        {
            producer.join();
        }
        assertNull(failure.get());
        ingress.close();
        final List<Event> received = drainer.await();

        assertEquals(PRODUCERS * perProducer, received.size());
        final int[] next = new int[PRODUCERS];
        for (final Event event : received)
        {
            assertEquals(next[event.producer()]++, event.seq(), "order of producer " + event.producer());
        }
        for (int p = 0; p < PRODUCERS; p++)
        {
            assertEquals(perProducer, next[p]);
        }
    }

    @Test
    void offerWaitsWhileFullAndResumesWhenDrained() throws Exception
    {
        final Ingress<Integer> ingress = new Ingress<>(2);
        final SourceReader<Integer> reader = ingress.createReader(context(0, 1));
        assertTrue(ingress.tryOffer(1));
        assertTrue(ingress.tryOffer(2));
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch offered = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread producer = start("producer", failure, () ->
        {
            started.countDown();
            ingress.offer(3);
            offered.countDown();
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertFalse(offered.await(50, TimeUnit.MILLISECONDS), "offer returned while the queue was full");

        final List<Integer> out = new ArrayList<>();
        assertEquals(1, reader.poll(out::add, 1));
        assertTrue(offered.await(10, TimeUnit.SECONDS), "offer did not resume after a record was read");
        producer.join();
        assertNull(failure.get());
        ingress.close();
        assertEquals(2, reader.poll(out::add, 10));
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(out::add, 10));
        assertEquals(List.of(1, 2, 3), out);
    }

    @Test
    void tryOfferReturnsFalseWhenFullAndTimedOfferTimesOut() throws Exception
    {
        final Ingress<String> ingress = new Ingress<>(4);
        for (int i = 0; i < 4; i++)
        {
            assertTrue(ingress.tryOffer("r" + i));
        }
        assertFalse(ingress.tryOffer("full"));
        assertFalse(ingress.offer("full", 5, TimeUnit.MILLISECONDS));
        assertFalse(ingress.offer("full", 0, TimeUnit.MILLISECONDS));
        assertEquals(4, ingress.size());
    }

    @Test
    void closeEndsTheStreamAfterEverythingOffered() throws Exception
    {
        final Ingress<String> ingress = new Ingress<>(8);
        ingress.offer("a");
        ingress.offer("b");
        assertTrue(ingress.tryOffer("c"));
        ingress.close();
        ingress.close(); // idempotent
        assertTrue(ingress.isClosed());
        final SourceReader<String> reader = ingress.createReader(context(0, 1));
        final List<String> out = new ArrayList<>();
        assertEquals(2, reader.poll(out::add, 2));
        assertEquals(1, reader.poll(out::add, 2));
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(out::add, 2));
        assertEquals(List.of("a", "b", "c"), out);
    }

    @Test
    void pollReturnsZeroWhileOpenAndEmpty() throws Exception
    {
        final Ingress<String> ingress = new Ingress<>(8);
        final SourceReader<String> reader = ingress.createReader(context(0, 1));
        assertEquals(0, reader.poll(r -> { }, 10));
        ingress.close();
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(r -> { }, 10));
    }

    @Test
    void offerAfterCloseThrows()
    {
        final Ingress<String> ingress = new Ingress<>(8);
        ingress.close();
        assertThrows(IllegalStateException.class, () -> ingress.offer("x"));
        assertThrows(IllegalStateException.class, () -> ingress.tryOffer("x"));
        assertThrows(IllegalStateException.class, () -> ingress.offer("x", 1, TimeUnit.SECONDS));
    }

    @Test
    void waitingOfferThrowsWhenClosed() throws Exception
    {
        final Ingress<String> ingress = new Ingress<>(2);
        ingress.offer("a");
        ingress.offer("b");
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch started = new CountDownLatch(1);
        final Thread producer = start("producer", failure, () ->
        {
            started.countDown();
            ingress.offer("c");
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        ingress.close();
        producer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(producer.isAlive());
        assertInstanceOf(IllegalStateException.class, failure.get());
    }

    @Test
    void offersThrowOnceTheJobsReaderIsClosed() throws Exception
    {
        final Ingress<String> ingress = new Ingress<>(2);
        final SourceReader<String> reader = ingress.createReader(context(0, 1));
        ingress.offer("a");
        ingress.offer("b");
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch started = new CountDownLatch(1);
        final Thread producer = start("producer", failure, () ->
        {
            started.countDown();
            ingress.offer("c"); // waits: nobody will read
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        reader.close(); // the job was cancelled
        producer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(producer.isAlive());
        assertInstanceOf(IllegalStateException.class, failure.get());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> ingress.tryOffer("d"));
        assertTrue(ex.getMessage().contains("ended"), ex.getMessage());
    }

    @Test
    void waitingOfferIsInterruptible() throws Exception
    {
        final Ingress<String> ingress = new Ingress<>(2);
        ingress.offer("a");
        ingress.offer("b");
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch started = new CountDownLatch(1);
        final Thread producer = start("producer", failure, () ->
        {
            started.countDown();
            ingress.offer("c");
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        producer.interrupt();
        producer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(producer.isAlive());
        assertInstanceOf(InterruptedException.class, failure.get());
        assertEquals(2, ingress.size());
    }

    @Test
    void canBeReadByOneJobOnly()
    {
        final Ingress<String> ingress = new Ingress<>(2);
        assertThrows(IllegalArgumentException.class, () -> ingress.createReader(context(0, 2)));
        ingress.createReader(context(0, 1));
        final IllegalStateException ex =
            assertThrows(IllegalStateException.class, () -> ingress.createReader(context(0, 1)));
        assertTrue(ex.getMessage().contains("one job only"), ex.getMessage());
        assertEquals(1, ingress.maxParallelism());
    }

    @Test
    void rejectsNullRecordsAndBadCapacities()
    {
        final Ingress<String> ingress = new Ingress<>(2);
        assertThrows(NullPointerException.class, () -> ingress.offer(null));
        assertThrows(NullPointerException.class, () -> ingress.tryOffer(null));
        for (final int capacity : new int[] {0, 1, 3, 100, -4, Integer.MIN_VALUE, 1 << 31 >>> 0})
        {
            assertThrows(IllegalArgumentException.class, () -> new Ingress<String>(capacity), "capacity " + capacity);
        }
        assertEquals(1024, new Ingress<String>(1024).capacity());
    }

    /**
     * Holds an offer in the window between its open check and its enqueue while close() runs and the
     * reader finds the queue empty: the reader must wait for the offer, which is then delivered.
     */
    @Test
    void offerThatPassedTheOpenCheckBeforeCloseIsDeliveredBeforeEndOfInput() throws Exception
    {
        final CountDownLatch inWindow = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Ingress<String> ingress = new Ingress<>(4, () ->
        {
            inWindow.countDown();
            awaitUninterruptibly(release);
        });
        final SourceReader<String> reader = ingress.createReader(context(0, 1));
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread producer = start("producer", failure, () -> ingress.offer("in flight"));
        assertTrue(inWindow.await(10, TimeUnit.SECONDS));

        ingress.close();
        final List<String> out = new ArrayList<>();
        assertEquals(0, reader.poll(out::add, 10), "ended while an offer that passed the open check was in flight");
        release.countDown();
        producer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(producer.isAlive());
        assertNull(failure.get());

        assertEquals(1, reader.poll(out::add, 10));
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(out::add, 10));
        assertEquals(List.of("in flight"), out);
    }

    private static void awaitUninterruptibly(final CountDownLatch latch)
    {
        try
        {
            if (!latch.await(10, TimeUnit.SECONDS))
            {
                throw new AssertionError("not released");
            }
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    /**
     * Producers offer until close makes them throw; every offer that returned must be read, in order,
     * and nothing else. Repeated to vary where close lands.
     */
    @Test
    void closeRacingWithOffersNeverLosesAnAcceptedRecord() throws Exception
    {
        for (int round = 0; round < 200; round++)
        {
            final Ingress<Event> ingress = new Ingress<>(ThreadLocalRandom.current().nextBoolean() ? 4 : 256);
            final Drainer<Event> drainer = Drainer.start(ingress);
            final int[] accepted = new int[PRODUCERS];
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final CountDownLatch running = new CountDownLatch(PRODUCERS);
            final List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++)
            {
                final int producer = p;
                producers.add(start("producer-" + p, failure, () ->
                {
                    running.countDown();
                    int seq = 0;
                    try
                    {
                        while (true)
                        {
                            if ((seq & 1) == 0)
                            {
                                ingress.offer(new Event(producer, seq));
                            }
                            else if (!ingress.tryOffer(new Event(producer, seq)))
                            {
                                continue;
                            }
                            accepted[producer] = ++seq;
                        }
                    }
                    catch (final IllegalStateException expected)
                    {
                        // closed
                    }
                }));
            }
            assertTrue(running.await(10, TimeUnit.SECONDS));
            for (int i = ThreadLocalRandom.current().nextInt(2000); i > 0; i--)
            {
                Thread.onSpinWait();
            }
            ingress.close();
            for (final Thread producer : producers)
            {
                producer.join();
            }
            assertNull(failure.get());
            final List<Event> received = drainer.await();
            final int[] next = new int[PRODUCERS];
            for (final Event event : received)
            {
                assertEquals(next[event.producer()]++, event.seq());
            }
            for (int p = 0; p < PRODUCERS; p++)
            {
                assertEquals(accepted[p], next[p], "round " + round + " producer " + p);
            }
        }
    }

    private interface Body
    {
        void run() throws Exception;
    }

    private static Thread start(final String name, final AtomicReference<Throwable> failure, final Body body)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable t)
            {
                failure.compareAndSet(null, t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Plays the job's task thread: polls the ingress until end of input.
     */
    private static final class Drainer<T>
    {
        private final List<T> received = new ArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        private Drainer(final Ingress<T> ingress)
        {
            final SourceReader<T> reader = ingress.createReader(context(0, 1));
            thread = IngressTest.start("drainer", failure, () ->
            {
                final IdleStrategy idle = new BackoffIdleStrategy();
                try (reader)
                {
                    int n;
                    while ((n = reader.poll(received::add, 256)) != SourceReader.END_OF_INPUT)
                    {
                        idle.idle(n);
                    }
                }
            });
        }

        static <T> Drainer<T> start(final Ingress<T> ingress)
        {
            return new Drainer<>(ingress);
        }

        List<T> await() throws Exception
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(thread.isAlive(), "reader did not reach end of input");
            assertNull(failure.get());
            return received;
        }
    }
}
