package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.connectors.journal.IngressJournal;
import dev.riffle.api.functions.Collector;
import dev.riffle.api.state.TypeSerializer;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * An {@link Ingress} with a durable journal: every offered record is serialized into an append-only
 * memory-mapped log ({@link IngressJournal}) before {@code offer} returns, and the job reads the log.
 * Positions are journal byte offsets, checkpointed like any replayable source, so after a crash the
 * restarted job replays exactly the records offered since its last completed checkpoint — including
 * those offered while the job was down, if the host offers into a new {@code JournaledIngress} on the
 * same directory before the job restarts.
 * <p>
 * Loss: none for records whose {@code offer} returned, if the process dies (the page cache holds
 * them); after power loss, only records since the last {@link #sync()} can be lost. Segments the
 * latest completed checkpoint no longer needs are deleted.
 * <p>
 * Backpressure: at most {@code maxUnreadBytes} of records may wait unread; {@code offer} waits
 * (backing off to 1 ms parks), {@code tryOffer} returns false. Unlike the plain {@link Ingress},
 * offers go on succeeding while no job reads (during a restart, say), until that bound is reached.
 * Thread-safety: offers and close from any thread; the reader on the job's task thread. One job per
 * journal at a time.
 *
 * @param <T> record type.
 */
public final class JournaledIngress<T> implements ReplayableSource<T>, AutoCloseable
{
    private final IngressJournal journal;
    private final TypeSerializer<T> serializer;
    private final long maxUnreadBytes;
    private final AtomicBoolean readerCreated = new AtomicBoolean();
    private volatile long readPosition;

    /**
     * Opens the journal in {@code directory}, creating it, or reopening it after a restart.
     *
     * @param directory      the journal's directory.
     * @param serializer     turns records into bytes and back.
     * @param maxUnreadBytes bound on offered but unread bytes, at least 64 KiB.
     * @param segmentSize    bytes per journal segment file, a power of two of at least 4 KiB.
     * @throws UncheckedIOException if the directory cannot be opened.
     */
    public JournaledIngress(
        final Path directory, final TypeSerializer<T> serializer, final long maxUnreadBytes, final int segmentSize)
    {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        if (maxUnreadBytes < 64 * 1024)
        {
            throw new IllegalArgumentException("maxUnreadBytes must be at least 64 KiB: " + maxUnreadBytes);
        }
        this.maxUnreadBytes = maxUnreadBytes;
        try
        {
            this.journal = new IngressJournal(directory, segmentSize);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the ingress journal in " + directory + ": " + ex, ex);
        }
        this.readPosition = journal.head();
    }

    /**
     * @param record not null.
     * @return false if {@code maxUnreadBytes} are waiting unread.
     * @throws IllegalStateException if the ingress is closed.
     */
    public boolean tryOffer(final T record)
    {
        Objects.requireNonNull(record, "record");
        checkOpen();
        if (journal.tail() - readPosition >= maxUnreadBytes)
        {
            return false;
        }
        append(record);
        return true;
    }

    /**
     * Offers a record, waiting while {@code maxUnreadBytes} are unread.
     *
     * @param record not null.
     * @throws IllegalStateException if the ingress is closed.
     * @throws InterruptedException  if interrupted while waiting.
     */
    public void offer(final T record) throws InterruptedException
    {
        long park = 1_000;
        while (!tryOffer(record))
        {
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            LockSupport.parkNanos(park);
            park = Math.min(park << 1, TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Forces the journal to disk: records offered before survive power loss.
     */
    public void sync()
    {
        journal.force();
    }

    /**
     * Ends the stream: the job reads everything offered, then its input ends. Durable: a journal
     * reopened after a restart is still closed.
     */
    @Override
    public void close()
    {
        journal.end();
    }

    /**
     * @return position after the last offered record.
     */
    public long tail()
    {
        return journal.tail();
    }

    @Override
    public ReplayableSourceReader<T> createReader(final SourceContext context)
    {
        return createReader(context, journal.head());
    }

    @Override
    public ReplayableSourceReader<T> createReader(final SourceContext context, final long position)
    {
        if (!readerCreated.compareAndSet(false, true))
        {
            throw new IllegalStateException("a journaled ingress can be read by one job only");
        }
        if (position < journal.head() || position > journal.tail())
        {
            throw new IllegalArgumentException("position " + position + " is not in the journal [" + journal.head() +
                ", " + journal.tail() + "]");
        }
        readPosition = position;
        return new Reader(position);
    }

    @Override
    public void positionCommitted(final int subtask, final long position)
    {
        journal.truncateBefore(position);
    }

    private void append(final T record)
    {
        final int length = serializer.length(record);
        final long position = journal.claim(length);
        try
        {
            serializer.write(record, journal.payloadBuffer(position), journal.payloadOffset(position));
        }
        catch (final RuntimeException ex)
        {
            journal.abort(position);
            throw ex;
        }
        journal.commit(position);
    }

    private void checkOpen()
    {
        if (journal.isEnded())
        {
            throw new IllegalStateException("the ingress is closed");
        }
    }

    private final class Reader implements ReplayableSourceReader<T>
    {
        private final int segmentSize = journal.segmentSize();
        private long position;
        private UnsafeBuffer buffer;
        private long bufferStart = -1;

        Reader(final long position)
        {
            this.position = position;
        }

        @Override
        public int poll(final Collector<T> output, final int maxRecords)
        {
            int emitted = 0;
            while (emitted < maxRecords)
            {
                if (null == buffer || position >= bufferStart + segmentSize)
                {
                    buffer = journal.segmentBuffer(position);
                    bufferStart = position - position % segmentSize;
                    if (null == buffer)
                    {
                        return emitted;
                    }
                }
                final int offset = (int)(position - bufferStart);
                final int status = buffer.getIntVolatile(offset);
                switch (status)
                {
                    case IngressJournal.COMMITTED ->
                    {
                        final int length = buffer.getInt(offset + 4);
                        output.collect(serializer.read(buffer, offset + IngressJournal.HEADER, length));
                        position += BitUtil.align(IngressJournal.HEADER + length, 8);
                        emitted++;
                    }
                    case IngressJournal.ABORTED ->
                        position += BitUtil.align(IngressJournal.HEADER + buffer.getInt(offset + 4), 8);
                    case IngressJournal.PADDING -> position = bufferStart + segmentSize;
                    case IngressJournal.END ->
                    {
                        readPosition = position;
                        return emitted > 0 ? emitted : END_OF_INPUT;
                    }
                    default ->
                    {
                        readPosition = position;
                        return emitted;
                    }
                }
            }
            readPosition = position;
            return emitted;
        }

        @Override
        public long position()
        {
            return position;
        }

        @Override
        public void close()
        {
            readerCreated.set(false);
        }
    }
}
