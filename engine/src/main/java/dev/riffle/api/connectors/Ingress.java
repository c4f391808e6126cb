package dev.riffle.api.connectors;

import dev.riffle.api.connector.Source;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.connector.SourceReader;
import dev.riffle.api.functions.Collector;
import dev.riffle.api.state.TypeSerializer;
import org.jctools.queues.MpscArrayQueue;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A source the host application pushes records into from any number of its own threads; one job
 * reads it, with parallelism 1. Records from one host thread are read in the order that thread
 * offered them; records of different threads interleave in the order their offers took effect.
 * <p>
 * Backed by a bounded JCTools {@link MpscArrayQueue} (many producers, the job's task thread the one
 * consumer): memory is fixed at construction. When the queue is full, {@link #offer(Object)} waits
 * (spinning briefly, then yielding, then parking for 1 µs growing to 1 ms — never a hot spin),
 * {@link #offer(Object, long, TimeUnit)} waits up to a timeout and {@link #tryOffer(Object)} returns
 * false. Records may be offered before the job starts; they wait in the queue.
 * <p>
 * {@link #close()} ends the stream: the job reads every record already offered, then its input ends.
 * Once the job's reader is closed (the job finished, failed or was cancelled), every offer throws
 * {@link IllegalStateException}, so a host thread never waits forever for a job that is gone.
 * <p>
 * Memory ordering and the close race: a record is published by the queue's ordered (release) store
 * and read by an acquire load, so everything the offering thread wrote before offering is visible to
 * the job. {@code closed} is volatile. Every offer registers itself in an atomic in-flight count
 * <em>before</em> it reads {@code closed} and leaves it only <em>after</em> its record is in the
 * queue; the reader ends the input only after it has read {@code closed == true}, then an in-flight
 * count of 0, then an empty queue. Hence:
 * <ul>
 * <li>an offer that returned (true) before {@code close()} was called is always delivered;</li>
 * <li>an offer racing with {@code close()} either returns and is delivered, or throws
 * {@link IllegalStateException} and is not — never returns and is lost;</li>
 * <li>an offer waiting for room when {@code close()} is called throws within about a millisecond.</li>
 * </ul>
 * <p>
 * Thread-safety: {@code offer}, {@code tryOffer} and {@code close} may be called from any thread;
 * the reader is called only by the job's task thread.
 * <p>
 * Nothing is journaled and the ingress is not replayable: with checkpointing, a failure or crash loses
 * every record offered after the last completed checkpoint — those the job had read since (their
 * effects are rolled back with the checkpoint) and those still in the queue. {@link #journaled(int,
 * Path, TypeSerializer)} builds an ingress that replays them.
 *
 * @param <T> record type.
 */
public final class Ingress<T> implements Source<T>, AutoCloseable
{
    private static final int MAX_CAPACITY = 1 << 30;

    private final MpscArrayQueue<T> queue;
    private final int capacity;
    private final AtomicInteger offersInFlight = new AtomicInteger();
    private final AtomicBoolean readerCreated = new AtomicBoolean();
    private final Runnable afterOpenCheck;
    private volatile boolean closed;
    private volatile boolean readerClosed;

    /**
     * @param capacity records the queue holds: a power of two in {@code [2, 2^30]}.
     * @throws IllegalArgumentException if capacity is not such a power of two.
     */
    public Ingress(final int capacity)
    {
        this(capacity, null);
    }

    /**
     * @param afterOpenCheck for tests: runs in every offer between its check that the ingress is open
     *                       and its first attempt to queue the record, to hold an offer in the race
     *                       window with {@link #close()}; null for none.
     */
    Ingress(final int capacity, final Runnable afterOpenCheck)
    {
        if (capacity < 2 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("ingress: capacity must be a power of two in [2, 2^30]: " + capacity);
        }
        this.capacity = capacity;
        this.queue = new MpscArrayQueue<>(capacity);
        this.afterOpenCheck = afterOpenCheck;
    }

    /**
     * Builds an ingress whose records are appended to a durable journal before {@code offer} returns,
     * so that a job restarted from a checkpoint (also after a process crash) replays everything offered
     * since: see {@link JournaledIngress}. Segments of 64 MiB, no forced sync;
     * {@link JournaledIngress#JournaledIngress(Path, TypeSerializer, JournaledIngressConfig)} sets more.
     *
     * @param capacity   records that may wait unread before {@code offer} waits, at least 1.
     * @param directory  the journal's directory, created if missing, recovered if it holds a journal.
     * @param serializer turns records into bytes and back; thread-safe.
     * @param <T>        record type.
     * @return the journaled ingress.
     * @throws IllegalArgumentException if capacity is below 1.
     * @throws IllegalStateException    if the journal in the directory is corrupt.
     * @throws java.io.UncheckedIOException if the directory cannot be opened.
     */
    public static <T> JournaledIngress<T> journaled(
        final int capacity, final Path directory, final TypeSerializer<T> serializer)
    {
        return new JournaledIngress<>(directory, serializer, new JournaledIngressConfig().capacity(capacity));
    }

    /**
     * @return records the queue holds.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return records offered and not yet read; approximate while threads offer or read.
     */
    public int size()
    {
        return queue.size();
    }

    /**
     * @return whether {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Offers a record without waiting.
     *
     * @param record the record, not null; belongs to the stream once offered, do not mutate it.
     * @return true if it was queued, false if the queue is full.
     * @throws NullPointerException  if record is null.
     * @throws IllegalStateException if the ingress is closed or the job reading it has ended.
     */
    public boolean tryOffer(final T record)
    {
        try
        {
            return offer(record, 0);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError("does not wait", ex);
        }
    }

    /**
     * Offers a record, waiting while the queue is full.
     *
     * @param record the record, not null; belongs to the stream once offered, do not mutate it.
     * @throws NullPointerException  if record is null.
     * @throws IllegalStateException if the ingress is closed or the job reading it has ended, also
     *                               while waiting; the record is then not delivered.
     * @throws InterruptedException  if the thread is interrupted while waiting; the record is then
     *                               not delivered.
     */
    public void offer(final T record) throws InterruptedException
    {
        offer(record, -1);
    }

    /**
     * Offers a record, waiting up to a timeout while the queue is full.
     *
     * @param record  the record, not null; belongs to the stream once offered, do not mutate it.
     * @param timeout longest wait; 0 or less does not wait.
     * @param unit    unit of timeout.
     * @return true if it was queued, false if the queue stayed full until the timeout.
     * @throws NullPointerException  if record or unit is null.
     * @throws IllegalStateException if the ingress is closed or the job reading it has ended.
     * @throws InterruptedException  if the thread is interrupted while waiting.
     */
    public boolean offer(final T record, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return offer(record, Math.max(0, unit.toNanos(timeout)));
    }

    /**
     * Ends the stream: the job reads every record offered before, then its input ends. Offers after
     * this throw {@link IllegalStateException}. Idempotent; callable from any thread.
     */
    @Override
    public void close()
    {
        closed = true;
    }

    /**
     * @return 1: an ingress is read by one instance.
     */
    @Override
    public int maxParallelism()
    {
        return 1;
    }

    /**
     * @throws IllegalStateException    if a reader was created before: an ingress is read by one job only.
     * @throws IllegalArgumentException if the parallelism is above 1.
     */
    @Override
    public SourceReader<T> createReader(final SourceContext context)
    {
        if (context.parallelism() != 1)
        {
            throw new IllegalArgumentException(
                "ingress '" + context.name() + "' runs with parallelism 1, not " + context.parallelism());
        }
        if (!readerCreated.compareAndSet(false, true))
        {
            throw new IllegalStateException("ingress '" + context.name() +
                "' is already read by a job: an Ingress can be read by one job only, create a new one");
        }
        return new Reader();
    }

    /**
     * @param timeoutNanos -1 to wait without limit, 0 not to wait, else the longest wait.
     */
    private boolean offer(final T record, final long timeoutNanos) throws InterruptedException
    {
        Objects.requireNonNull(record, "ingress: record");
        offersInFlight.getAndIncrement(); // before reading closed: see the class comment
        try
        {
            checkOpen();
            if (afterOpenCheck != null)
            {
                afterOpenCheck.run();
            }
            if (queue.offer(record))
            {
                return true;
            }
            if (timeoutNanos == 0)
            {
                return false;
            }
            return OfferBackoff.await(() -> queue.offer(record), this::checkOpen, timeoutNanos, "ingress");
        }
        finally
        {
            offersInFlight.getAndDecrement(); // after the record is in the queue
        }
    }

    private void checkOpen()
    {
        if (readerClosed)
        {
            throw new IllegalStateException("ingress: the job reading it has ended; the record was not delivered");
        }
        if (closed)
        {
            throw new IllegalStateException("ingress: closed; the record was not delivered");
        }
    }

    /**
     * Drains the queue on the job's task thread.
     */
    private final class Reader implements SourceReader<T>
    {
        @Override
        public int poll(final Collector<T> output, final int maxRecords)
        {
            final MpscArrayQueue<T> queue = Ingress.this.queue;
            int emitted = 0;
            T record;
            while (emitted < maxRecords && (record = queue.relaxedPoll()) != null)
            {
                output.collect(record);
                emitted++;
            }
            // the order of these reads is what makes close safe: see the class comment
            if (emitted == 0 && closed && offersInFlight.get() == 0 && queue.isEmpty())
            {
                return END_OF_INPUT;
            }
            return emitted;
        }

        @Override
        public void close()
        {
            readerClosed = true;
        }
    }
}
