package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.connectors.journal.IngressJournal;
import dev.riffle.api.connectors.journal.JournalCursor;
import dev.riffle.api.functions.Collector;
import dev.riffle.api.state.TypeSerializer;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link Ingress} with a durable journal: every offered record is serialized into an append-only
 * memory-mapped log ({@link IngressJournal}) before {@code offer} returns, and the job reads the log
 * itself (there is no queue: a reader with nothing to read returns 0 and its task's idle strategy
 * waits). Positions are journal byte offsets, checkpointed like any {@link ReplayableSource}'s, so a
 * job restarted from a checkpoint replays exactly the records offered after it — including those
 * offered while the job was down, if the host reopens the ingress on the same directory first.
 * <p>
 * <b>What is lost</b>, on the death of the process (kill -9, crash): nothing whose {@code offer}
 * returned, since it is in the page cache; an offer that had not returned may or may not be replayed.
 * On power loss or a kernel crash: the records since the last {@link #sync()}, unless
 * {@link JournaledIngressConfig#syncEveryOffer(boolean)} is set (then nothing whose offer returned,
 * at the cost of a disk flush per offer, serialized across threads). Without a journal
 * ({@link Ingress}) a crash loses every record offered after the last completed checkpoint.
 * <p>
 * <b>Backpressure</b>: at most {@link JournaledIngressConfig#capacity(int)} records offered by this
 * object wait unread (exact), and optionally about {@link JournaledIngressConfig#maxUnreadBytes(long)}
 * journal bytes; then {@code offer} waits (spinning briefly, yielding, then parking 1 µs growing to
 * 1 ms), the timed offer gives up at its timeout and {@code tryOffer} returns false. Unlike the plain
 * {@link Ingress}, offers succeed while no job reads (during a restart, say) until that bound is
 * reached.
 * <p>
 * <b>Retention</b>: when a checkpoint completes, the coordinator calls
 * {@link #positionCommitted(int, long)} and the segments entirely before the checkpoint's position
 * (and the reader's) are deleted; the last segment is always kept.
 * <p>
 * <b>Close</b>: {@link #close()} waits for the offers in progress, then appends an end marker: the job
 * reads everything offered before it, then its input ends. An offer racing with close either returns
 * and is delivered, or throws {@link IllegalStateException} and is not. The marker is durable: an
 * ingress reopened on the directory is still closed (delete the directory to start a new stream).
 * <p>
 * Thread-safety: offers, {@code sync}, {@code close}, {@code truncateBefore} and
 * {@code positionCommitted} from any thread; the reader on the job's task thread; one reader at a
 * time, one process per directory. Records are serialized on the offering thread: the serializer
 * must be thread-safe and write exactly {@code length(record)} bytes. Mapped segments are released
 * when deleted or when this object is garbage collected.
 *
 * @param <T> record type.
 */
public final class JournaledIngress<T> implements ReplayableSource<T>, AutoCloseable
{

    private final IngressJournal journal;
    private final TypeSerializer<T> serializer;
    private final int capacity;
    private final long maxUnreadBytes;
    /** Records offered by this object and not read yet: the permits of {@code capacity}. */
    private final AtomicLong unread = new AtomicLong();
    private final AtomicInteger offersInFlight = new AtomicInteger();
    private final AtomicBoolean readerCreated = new AtomicBoolean();
    private final AtomicBoolean endAppended = new AtomicBoolean();
    private volatile boolean closed;
    /** Position the reader has reached (published after each poll); only grows within a reader. */
    private volatile long readPosition;
    /** Entries before it were read once already, or written by an earlier process: not counted. */
    private volatile long accountedTo;

    /**
     * Opens the journal in {@code directory} (creating it, or recovering it after a crash).
     *
     * @param directory  the journal's directory; one process at a time.
     * @param serializer turns records into bytes and back; thread-safe.
     * @param config     settings; validated here.
     * @throws IllegalArgumentException if a setting is invalid.
     * @throws IllegalStateException    if the journal in the directory is corrupt.
     * @throws UncheckedIOException     if the directory cannot be opened.
     */
    public JournaledIngress(
        final Path directory, final TypeSerializer<T> serializer, final JournaledIngressConfig config)
    {
        Objects.requireNonNull(directory, "journaled ingress: directory");
        this.serializer = Objects.requireNonNull(serializer, "journaled ingress: serializer");
        config.conclude();
        this.capacity = config.capacity;
        this.maxUnreadBytes = config.maxUnreadBytes;
        try
        {
            this.journal = IngressJournal.open(directory, config.segmentSize, config.syncEveryOffer);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the ingress journal in " + directory + ": " + ex, ex);
        }
        this.readPosition = journal.head();
        this.accountedTo = journal.tail();
        if (journal.recoveredEnd() >= 0)
        {
            closed = true;
            endAppended.set(true);
        }
    }

    /**
     * Opens the journal bounded by unread bytes only (capacity unbounded).
     *
     * @param directory      the journal's directory.
     * @param serializer     turns records into bytes and back.
     * @param maxUnreadBytes bound on offered but unread bytes, at least 64 KiB.
     * @param segmentSize    bytes per journal segment file, a power of two of at least 4 KiB.
     * @see #JournaledIngress(Path, TypeSerializer, JournaledIngressConfig)
     */
    public JournaledIngress(
        final Path directory, final TypeSerializer<T> serializer, final long maxUnreadBytes, final int segmentSize)
    {
        this(directory, serializer, new JournaledIngressConfig()
            .capacity(Integer.MAX_VALUE).maxUnreadBytes(maxUnreadBytes).segmentSize(segmentSize));
    }

    /**
     * Offers a record without waiting.
     *
     * @param record not null; serialized before this returns.
     * @return true if it is in the journal, false if the bound of unread records or bytes is reached.
     * @throws NullPointerException     if record is null.
     * @throws IllegalStateException    if the ingress is closed.
     * @throws IllegalArgumentException if the record is longer than a quarter of a segment.
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
     * Offers a record, waiting while the bound is reached.
     *
     * @param record not null; serialized before this returns.
     * @throws IllegalStateException if the ingress is closed, also while waiting: not delivered.
     * @throws InterruptedException  if interrupted while waiting: not delivered.
     */
    public void offer(final T record) throws InterruptedException
    {
        offer(record, -1);
    }

    /**
     * Offers a record, waiting up to a timeout while the bound is reached.
     *
     * @param record  not null.
     * @param timeout longest wait; 0 or less does not wait.
     * @param unit    unit of timeout.
     * @return true if it is in the journal, false if the bound stayed reached until the timeout.
     * @throws IllegalStateException if the ingress is closed.
     * @throws InterruptedException  if interrupted while waiting.
     */
    public boolean offer(final T record, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return offer(record, Math.max(0, unit.toNanos(timeout)));
    }

    /**
     * Forces the journal to disk: records offered before survive power loss. Costs a disk flush.
     */
    public void sync()
    {
        journal.force();
    }

    /**
     * Ends the stream durably: waits for offers in progress (an offer waiting for room gives up), then
     * appends the end marker. Idempotent; any thread.
     */
    @Override
    public void close()
    {
        closed = true;
        final IdleStrategy idle = OfferBackoff.idleStrategy();
        while (offersInFlight.get() != 0)
        {
            idle.idle();
        }
        if (endAppended.compareAndSet(false, true))
        {
            journal.appendEnd();
        }
    }

    /**
     * @return whether the ingress is closed (by {@link #close()}, now or before a restart).
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * @return records offered through this object and not read yet; approximate while threads offer.
     */
    public long unread()
    {
        return unread.get();
    }

    /**
     * @return the bound on unread records.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return the journal position after the last reserved entry.
     */
    public long tail()
    {
        return journal.tail();
    }

    /**
     * @return the first position still in the journal.
     */
    public long head()
    {
        return journal.head();
    }

    /**
     * Deletes the journal segments that end at or before both a position and the reader's position.
     * Any thread; the runtime calls it through {@link #positionCommitted(int, long)} with the position
     * of the latest completed checkpoint, which no reader will go back before.
     *
     * @param position first position that must stay readable.
     * @return segments deleted.
     */
    public synchronized int truncateBefore(final long position)
    {
        return journal.truncateBefore(Math.min(position, readPosition));
    }

    /**
     * Deletes the segments before the committed position (see {@link #truncateBefore(long)}).
     */
    @Override
    public void positionCommitted(final int subtask, final long position)
    {
        truncateBefore(position);
    }

    /**
     * @return 1: a journal is read by one instance.
     */
    @Override
    public int maxParallelism()
    {
        return 1;
    }

    /**
     * Opens the reader at the first position still in the journal: everything retained is read.
     */
    @Override
    public ReplayableSourceReader<T> createReader(final SourceContext context)
    {
        return createReader(context, journal.head());
    }

    /**
     * @throws IllegalArgumentException if the parallelism is above 1, or the position is not in the
     *                                  journal (its segment was deleted, or it is past the tail).
     * @throws IllegalStateException    if a reader is open.
     */
    @Override
    public synchronized ReplayableSourceReader<T> createReader(final SourceContext context, final long position)
    {
        if (context.parallelism() != 1)
        {
            throw new IllegalArgumentException("journaled ingress '" + context.name() + "' runs with parallelism 1, " +
                "not " + context.parallelism());
        }
        if (!readerCreated.compareAndSet(false, true))
        {
            throw new IllegalStateException("journaled ingress '" + context.name() + "' is already read by a job");
        }
        try
        {
            final JournalCursor cursor = journal.cursor(position);
            readPosition = position;
            return new Reader(cursor);
        }
        catch (final RuntimeException ex)
        {
            readerCreated.set(false);
            throw ex;
        }
    }

    /**
     * @param timeoutNanos -1 to wait without limit, 0 not to wait, else the longest wait.
     */
    private boolean offer(final T record, final long timeoutNanos) throws InterruptedException
    {
        Objects.requireNonNull(record, "journaled ingress: record");
        offersInFlight.getAndIncrement(); // before reading closed; close() waits for it to drop to 0
        try
        {
            checkOpen();
            if (tryAppend(record))
            {
                return true;
            }
            if (timeoutNanos == 0)
            {
                return false;
            }
            return OfferBackoff.await(() -> tryAppend(record), this::checkOpen, timeoutNanos, "journaled ingress");
        }
        finally
        {
            offersInFlight.getAndDecrement(); // after the entry is published
        }
    }

    private boolean tryAppend(final T record)
    {
        if (journal.tail() - readPosition >= maxUnreadBytes)
        {
            return false;
        }
        long permits;
        do
        {
            permits = unread.get();
            if (permits >= capacity)
            {
                return false;
            }
        }
        while (!unread.compareAndSet(permits, permits + 1));
        try
        {
            journal.append(record, serializer);
        }
        catch (final RuntimeException | Error ex)
        {
            unread.getAndDecrement(); // the entry, if reserved, is padding: the reader will not count it
            throw ex;
        }
        return true;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("journaled ingress: closed; the record was not delivered");
        }
    }

    /**
     * Reads the journal on the job's task thread.
     */
    private final class Reader implements ReplayableSourceReader<T>
    {
        private final JournalCursor cursor;
        private boolean closed;

        Reader(final JournalCursor cursor)
        {
            this.cursor = cursor;
        }

        @Override
        public int poll(final Collector<T> output, final int maxRecords)
        {
            final JournalCursor cursor = this.cursor;
            long accounted = accountedTo;
            int counted = 0;
            int emitted = 0;
            try
            {
                while (emitted < maxRecords)
                {
                    final int type = cursor.peek();
                    if (type == IngressJournal.TYPE_DATA)
                    {
                        final long entry = cursor.position();
                        final T record = serializer.read(cursor.buffer(), cursor.payloadOffset(),
                            cursor.payloadLength());
                        cursor.consume();
                        if (entry >= accounted)
                        {
                            accounted = cursor.position();
                            counted++;
                        }
                        emitted++;
                        output.collect(record);
                    }
                    else if (type == IngressJournal.TYPE_END)
                    {
                        return emitted > 0 ? emitted : END_OF_INPUT;
                    }
                    else
                    {
                        return emitted;
                    }
                }
                return emitted;
            }
            finally
            {
                readPosition = cursor.position();
                if (counted > 0)
                {
                    accountedTo = accounted;
                    unread.getAndAdd(-counted);
                }
            }
        }

        /**
         * @return journal position of the next entry to read.
         */
        @Override
        public long position()
        {
            return cursor.position();
        }

        /**
         * Lets a new reader be created (a restart of the job).
         */
        @Override
        public void close()
        {
            if (!closed)
            {
                closed = true;
                readerCreated.set(false);
            }
        }
    }
}
