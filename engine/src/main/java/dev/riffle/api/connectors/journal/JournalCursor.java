package dev.riffle.api.connectors.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads an {@link IngressJournal} sequentially from a position. Owned by one thread at a time (the
 * job's task thread); a new owner must be handed it with a happens-before edge (thread start, a
 * lock, a volatile). Never blocks: {@link #peek()} says what is at the position now.
 * <p>
 * Use: {@code peek()}; on {@link IngressJournal#TYPE_DATA} read the payload at {@link #buffer()},
 * {@link #payloadOffset()}, {@link #payloadLength()}, then {@link #consume()}; on
 * {@link IngressJournal#TYPE_END} the input has ended; on {@link #NOTHING} try again later.
 * Padding, and entries an earlier process left torn or untouched, are skipped by {@code peek()}.
 * <p>
 * Memory ordering: the entry's length is loaded with acquire semantics ({@code getIntAcquire}),
 * pairing with the writer's {@code putIntRelease}, so a positive length makes the type and payload
 * the writer stored before it visible.
 */
public final class JournalCursor
{
    /** Returned by {@link #peek()} when the entry at the position is not complete yet. */
    public static final int NOTHING = 0;

    private final IngressJournal journal;
    private final JournalSegments segments;
    private final int segmentSize;
    private final int offsetMask;
    private final long recoveredTail;
    private long position;
    private UnsafeBuffer buffer;
    private long segmentStart = -1;
    private int payloadOffset;
    private int payloadLength;
    private int frameLength;

    JournalCursor(final IngressJournal journal, final JournalSegments segments, final long position)
    {
        this.journal = journal;
        this.segments = segments;
        this.segmentSize = journal.segmentSize();
        this.offsetMask = segmentSize - 1;
        this.recoveredTail = journal.recoveredTail();
        this.position = position;
    }

    /**
     * Skips padding and dead entries and reports the entry at the position; does not move past it.
     *
     * @return {@link IngressJournal#TYPE_DATA}, {@link IngressJournal#TYPE_END} or {@link #NOTHING}.
     * @throws IllegalStateException naming the position if an entry is corrupt, or if a segment could
     *                               not be created (the entries reserved in it are lost).
     */
    public int peek()
    {
        while (true)
        {
            if (null == buffer || position - segmentStart >= segmentSize)
            {
                buffer = segments.bufferOrNull(position);
                if (null == buffer)
                {
                    return nothing();
                }
                segmentStart = position & ~(long)offsetMask;
            }
            final int offset = (int)(position - segmentStart);
            final int length = buffer.getIntAcquire(offset);
            if (length > 0)
            {
                final int frame = journal.frameLength(buffer, segmentStart, offset, length);
                final int type = buffer.getInt(offset + IngressJournal.TYPE_OFFSET);
                if (type == IngressJournal.TYPE_DATA)
                {
                    payloadOffset = offset + IngressJournal.HEADER_LENGTH;
                    payloadLength = length - IngressJournal.HEADER_LENGTH;
                    frameLength = frame;
                    return IngressJournal.TYPE_DATA;
                }
                if (type == IngressJournal.TYPE_END)
                {
                    return IngressJournal.TYPE_END;
                }
                position += frame; // padding
            }
            else if (position >= recoveredTail)
            {
                return nothing(); // being written by a live thread: wait, never skip
            }
            else if (length < 0)
            {
                position += journal.frameLength(buffer, segmentStart, offset, length); // torn by a dead process
            }
            else
            {
                // reserved by a dead process that wrote nothing: skip to the next header it did not reach
                final int limit = (int)Math.min(segmentSize, recoveredTail - segmentStart);
                position = segmentStart + IngressJournal.nextNonZero(buffer, offset, limit);
            }
        }
    }

    /**
     * Moves past the data entry the last {@link #peek()} reported.
     */
    public void consume()
    {
        position += frameLength;
        frameLength = 0;
    }

    /**
     * @return the position of the next entry to read; everything before it was consumed or skipped.
     */
    public long position()
    {
        return position;
    }

    /**
     * @return the buffer holding the reported entry; valid until the next {@code peek()}.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the reported entry's payload in {@link #buffer()}.
     */
    public int payloadOffset()
    {
        return payloadOffset;
    }

    /**
     * @return bytes of the reported entry's payload (0 or more).
     */
    public int payloadLength()
    {
        return payloadLength;
    }

    private int nothing()
    {
        if (journal.segmentCreationFailed())
        {
            throw new IllegalStateException("ingress journal " + journal.directory().toAbsolutePath() +
                ": a segment could not be created; entries from position " + position + " on may be lost");
        }
        return NOTHING;
    }
}
