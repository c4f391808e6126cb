package dev.riffle.api.connectors.journal;

import dev.riffle.api.state.TypeSerializer;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An append-only log of serialized records in memory-mapped segment files, written lock-free by any
 * number of threads and read by one: the durable journal behind a journaled {@code Ingress}.
 * <p>
 * <b>Positions</b> are byte offsets from the start of the journal; they only grow, also across
 * reopenings. Segment {@code i} holds positions {@code [i·S, (i+1)·S)} for the segment size S (a power
 * of two) in the file {@code journal-<i·S>.log} ({@link JournalSegments}).
 * <p>
 * <b>Entry</b> (8-byte aligned, never across a segment boundary):
 * <pre>
 *   0: int length   frame length = 8 + payload bytes; the commit marker:
 *                   0 = nothing written yet, -length = being written, +length = complete
 *   4: int type     {@link #TYPE_DATA}, {@link #TYPE_PADDING} (skip to position + align(length)),
 *                   {@link #TYPE_END} (the ingress was closed; length 8)
 *   8: payload      length - 8 bytes, as the record's TypeSerializer wrote them
 * </pre>
 * <b>Append</b> ({@link #append}): reserve {@code align(8 + payload)} bytes with one atomic
 * {@code getAndAdd} on the tail; store the type, then {@code -length}, then a store-store fence; write
 * the payload; publish with {@code putIntRelease(+length)}, as Aeron's log buffers do. The one
 * reservation that crosses a segment end pads both of its pieces ({@code PADDING}) and reserves again.
 * If the serializer throws, the entry is published as padding and the exception rethrown.
 * <p>
 * <b>Read</b> ({@link JournalCursor}): load the length with acquire semantics; a positive length
 * publishes the type and payload. A zero or negative length at or after {@link #recoveredTail()} is
 * an entry still being written: the reader waits there, never skips it.
 * <p>
 * <b>Recovery</b>: when the process dies, the stores each thread made before its last instruction
 * are in the page cache (kill -9 does not lose them), in program order thanks to the fence: an entry
 * is complete ({@code +length}), torn ({@code -length}: its offer never returned), or untouched (all
 * zero: the thread died between its reservation and its first store). Reopening scans the last
 * segment for the end of its last non-zero entry — the true tail — skipping zero runs, since a later
 * reservation may have completed; everything after it is zero, so new entries reuse no stale header.
 * Below that recovered tail no writer is alive, so the reader skips torn entries by their length and
 * untouched ones to the next non-zero header (or the end of the segment) instead of waiting.
 * <p>
 * <b>Durability</b>: a returned append is in the page cache and survives the death of the process;
 * it survives power loss only once forced ({@link #force()}, or {@code syncEveryAppend}, which forces
 * each entry's pages and costs a disk flush per append).
 * <p>
 * Threading: {@link #append} and {@link #appendEnd()} from any threads; a {@link JournalCursor} by one
 * thread at a time; {@link #truncateBefore} from any thread, for positions no cursor will go back
 * before; {@link #force()} from any thread.
 */
public final class IngressJournal implements AutoCloseable
{
    /** Bytes of an entry header. */
    public static final int HEADER_LENGTH = 8;
    /** Alignment of every entry. */
    public static final int ALIGNMENT = 8;
    /** A record. */
    public static final int TYPE_DATA = 1;
    /** Filler: skip it. */
    public static final int TYPE_PADDING = 2;
    /** The ingress was closed here: nothing follows. */
    public static final int TYPE_END = 3;
    /** Default segment size: 64 MiB. */
    public static final int DEFAULT_SEGMENT_SIZE = 64 << 20;
    /** Smallest segment size. */
    public static final int MIN_SEGMENT_SIZE = 4096;
    /** Largest segment size. */
    public static final int MAX_SEGMENT_SIZE = 1 << 30;

    static final int TYPE_OFFSET = 4;

    private final Path directory;
    private final int segmentSize;
    private final int offsetMask;
    private final boolean syncEveryAppend;
    private final JournalSegments segments;
    /** Next position to reserve: the one word every appending thread contends on. */
    private final AtomicLong tail;
    private final long recoveredTail;
    private final long recoveredEnd;

    private IngressJournal(final Path directory, final int segmentSize, final boolean syncEveryAppend)
        throws IOException
    {
        this.directory = directory;
        this.segmentSize = segmentSize;
        this.offsetMask = segmentSize - 1;
        this.syncEveryAppend = syncEveryAppend;
        this.segments = new JournalSegments(directory, segmentSize, syncEveryAppend);
        long end = -1;
        long recovered = 0;
        final long lastStart = segments.lastStart();
        if (lastStart >= 0)
        {
            final UnsafeBuffer buffer = segments.bufferOrNull(lastStart);
            int offset = 0;
            int lastEnd = 0;
            while (offset < segmentSize)
            {
                final int length = buffer.getIntVolatile(offset);
                if (length == 0)
                {
                    offset = nextNonZero(buffer, offset, segmentSize);
                    continue;
                }
                if (length > 0 && buffer.getInt(offset + TYPE_OFFSET) == TYPE_END)
                {
                    end = lastStart + offset;
                }
                offset += frameLength(buffer, lastStart, offset, length);
                lastEnd = offset;
            }
            recovered = lastStart + lastEnd;
        }
        this.recoveredTail = recovered;
        this.recoveredEnd = end;
        this.tail = new AtomicLong(recovered);
    }

    /**
     * Opens the journal in a directory, creating it if missing, and recovers its tail.
     *
     * @param directory       the journal's directory; one process at a time.
     * @param segmentSize     bytes per segment: a power of two in [{@link #MIN_SEGMENT_SIZE},
     *                        {@link #MAX_SEGMENT_SIZE}], the same every time the journal is opened.
     * @param syncEveryAppend force each entry to disk before {@link #append} returns.
     * @return the journal.
     * @throws IllegalArgumentException if the segment size is not allowed.
     * @throws IllegalStateException    naming the file and position if the journal is corrupt.
     * @throws IOException              if the directory cannot be read or created.
     */
    public static IngressJournal open(final Path directory, final int segmentSize, final boolean syncEveryAppend)
        throws IOException
    {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE || Integer.bitCount(segmentSize) != 1)
        {
            throw new IllegalArgumentException("ingress journal: the segment size must be a power of two in [" +
                MIN_SEGMENT_SIZE + ", " + MAX_SEGMENT_SIZE + "]: " + segmentSize);
        }
        return new IngressJournal(directory, segmentSize, syncEveryAppend);
    }

    /**
     * @return the largest payload of an entry: a quarter of a segment, less the header, so that a
     * reservation that crossed a segment end fits after it.
     */
    public int maxPayloadLength()
    {
        return segmentSize / 4 - HEADER_LENGTH;
    }

    /**
     * Appends a record. Lock-free except when it is the first to need a new segment (which it
     * creates: zero-filled, {@code segmentSize} bytes written).
     *
     * @param record     the record.
     * @param serializer writes exactly {@code serializer.length(record)} bytes.
     * @param <T>        record type.
     * @return the entry's position.
     * @throws IllegalArgumentException if the record is longer than {@link #maxPayloadLength()}.
     * @throws UncheckedIOException     if a segment cannot be created (disk full): the journal is broken.
     * @throws RuntimeException         what the serializer threw; the entry is then padding.
     */
    public <T> long append(final T record, final TypeSerializer<? super T> serializer)
    {
        final int payloadLength = serializer.length(record);
        if (payloadLength < 0 || payloadLength > maxPayloadLength())
        {
            throw new IllegalArgumentException("ingress journal: a record of " + payloadLength + " bytes does not " +
                "fit; at most " + maxPayloadLength() + " with segments of " + segmentSize + " bytes");
        }
        final int length = HEADER_LENGTH + payloadLength;
        final int aligned = BitUtil.align(length, ALIGNMENT);
        final long position = reserve(aligned);
        final UnsafeBuffer buffer = segments.bufferForWrite(position);
        final int offset = (int)position & offsetMask;
        buffer.putInt(offset + TYPE_OFFSET, TYPE_DATA);
        buffer.putInt(offset, -length);
        VarHandle.storeStoreFence(); // the marker precedes the payload, also in a crash's page cache
        try
        {
            serializer.write(record, buffer, offset + HEADER_LENGTH);
        }
        catch (final Throwable t)
        {
            buffer.putInt(offset + TYPE_OFFSET, TYPE_PADDING);
            buffer.putIntRelease(offset, aligned);
            throw t;
        }
        buffer.putIntRelease(offset, length);
        if (syncEveryAppend)
        {
            segments.force(position, aligned);
        }
        return position;
    }

    /**
     * Appends the end marker. The caller makes sure no append runs concurrently or after.
     *
     * @return its position.
     */
    public long appendEnd()
    {
        final long position = reserve(HEADER_LENGTH);
        final UnsafeBuffer buffer = segments.bufferForWrite(position);
        final int offset = (int)position & offsetMask;
        buffer.putInt(offset + TYPE_OFFSET, TYPE_END);
        buffer.putIntRelease(offset, HEADER_LENGTH);
        if (syncEveryAppend)
        {
            segments.force(position, HEADER_LENGTH);
        }
        return position;
    }

    /**
     * @return the next position to be reserved: every entry is before it (some may still be written).
     */
    public long tail()
    {
        return tail.get();
    }

    /**
     * @return the tail found when the journal was opened; entries before it were written by an earlier
     * process.
     */
    public long recoveredTail()
    {
        return recoveredTail;
    }

    /**
     * @return the position of the end marker found when the journal was opened, or -1.
     */
    public long recoveredEnd()
    {
        return recoveredEnd;
    }

    /**
     * @return the first position still in the journal (segments before it were deleted).
     */
    public long head()
    {
        final long first = segments.firstStart();
        return first < 0 ? recoveredTail : first;
    }

    /**
     * @return bytes per segment.
     */
    public int segmentSize()
    {
        return segmentSize;
    }

    /**
     * @return the journal's directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @param position the position of an entry (or the tail) in {@code [head(), tail()]}.
     * @return a cursor reading from there; owned by one thread at a time.
     * @throws IllegalArgumentException if the position is not 8-aligned or not in the journal.
     */
    public JournalCursor cursor(final long position)
    {
        final long head = head();
        final long tail = tail();
        if (position < head || position > tail || (position & (ALIGNMENT - 1)) != 0)
        {
            throw new IllegalArgumentException("ingress journal " + directory.toAbsolutePath() + ": position " +
                position + " is not an entry position in [" + head + ", " + tail + "]" +
                (position < head ? "; the segments before " + head + " were deleted" : ""));
        }
        return new JournalCursor(this, segments, position);
    }

    /**
     * Deletes the segments that end at or before a position, except the last one.
     *
     * @param position a position no cursor is or will be before.
     * @return the number of segments deleted.
     */
    public int truncateBefore(final long position)
    {
        return segments.deleteBefore(position);
    }

    /**
     * Forces every segment and the directory to disk: the entries appended before survive power loss.
     * Costs a disk flush of the dirty pages.
     */
    public void force()
    {
        segments.forceAll();
    }

    /**
     * Unmaps the segments; the files stay. No thread may use the journal or its cursors afterwards.
     */
    @Override
    public void close()
    {
        segments.close();
    }

    /**
     * @return the aligned length of the entry at {@code offset}, validated.
     * @throws IllegalStateException naming the position if the header is not a valid entry's.
     */
    int frameLength(final UnsafeBuffer buffer, final long segmentStart, final int offset, final int length)
    {
        final int type = buffer.getInt(offset + TYPE_OFFSET);
        final int absolute = length == Integer.MIN_VALUE ? 0 : Math.abs(length);
        final boolean valid = absolute >= HEADER_LENGTH && absolute <= segmentSize - offset &&
            (type == TYPE_DATA || type == TYPE_PADDING || (length == HEADER_LENGTH && type == TYPE_END));
        if (!valid)
        {
            throw new IllegalStateException("ingress journal " + directory.toAbsolutePath() + ": corrupt entry at " +
                "position " + (segmentStart + offset) + " (length " + length + ", type " + type + ")");
        }
        return BitUtil.align(absolute, ALIGNMENT);
    }

    /**
     * @return the offset of the first non-zero length field after {@code offset} (which is zero), or
     * {@code limit}.
     */
    static int nextNonZero(final UnsafeBuffer buffer, final int offset, final int limit)
    {
        int next = offset + ALIGNMENT;
        while (next < limit && buffer.getInt(next) == 0)
        {
            next += ALIGNMENT;
        }
        return Math.min(next, limit);
    }

    private long reserve(final int aligned)
    {
        while (true)
        {
            final long position = tail.getAndAdd(aligned);
            final long segmentEnd = (position | offsetMask) + 1;
            if (position + aligned <= segmentEnd)
            {
                return position;
            }
            // the one reservation across a segment end: pad both pieces, try again after it
            pad(position, (int)(segmentEnd - position));
            pad(segmentEnd, (int)(position + aligned - segmentEnd));
        }
    }

    private void pad(final long position, final int length)
    {
        final UnsafeBuffer buffer = segments.bufferForWrite(position);
        final int offset = (int)position & offsetMask;
        buffer.putInt(offset + TYPE_OFFSET, TYPE_PADDING);
        buffer.putIntRelease(offset, length);
    }

    boolean segmentCreationFailed()
    {
        return segments.creationFailed();
    }
}
