package dev.riffle.api.connectors.journal;

import org.agrona.BitUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An append-only log in memory-mapped segment files ({@code journal-<start position>.log}): what an
 * {@code Ingress} with a journal writes every offered record to before it returns, so that the
 * records offered since the last completed checkpoint can be replayed after a crash.
 * <p>
 * Entry: {@code [int status][int length][payload]}, 8-byte aligned. Appending is two steps: a short
 * synchronized claim reserves space and stores {@code CLAIMED} with the length; the payload is then
 * written outside the lock and {@code COMMITTED} stored with release semantics
 * ({@code putIntRelease}). The reader loads the status with acquire semantics ({@code getIntVolatile})
 * before reading the payload. {@code PADDING} fills the end of a segment an entry does not fit in;
 * {@code ABORTED} marks a claim whose payload could not be written; {@code END} marks {@code close()}.
 * <p>
 * Durability: a committed entry is in the page cache when {@code append} returns, so it survives the
 * death of the process (kill -9); it survives power loss only after {@link #force()}. On reopening,
 * the log is scanned from its last segment: entries claimed but never committed (the process died in
 * between; their offers never returned) are treated as aborted.
 * <p>
 * Threading: {@link #claim}/{@link #commit}/{@link #abort} from any number of threads; reading by one
 * thread; {@link #truncateBefore} by any thread, for segments entirely before the reader.
 */
public final class IngressJournal implements AutoCloseable
{
    /** Nothing claimed here yet. */
    public static final int EMPTY = 0;
    /** Claimed, payload being written. */
    public static final int CLAIMED = 1;
    /** A complete entry. */
    public static final int COMMITTED = 2;
    /** A claim whose payload was not written; skip it. */
    public static final int ABORTED = 3;
    /** Filler to the end of the segment. */
    public static final int PADDING = 4;
    /** The ingress was closed here. */
    public static final int END = 5;
    /** Bytes of an entry header. */
    public static final int HEADER = 8;

    private static final Pattern SEGMENT = Pattern.compile("journal-(\\d+)\\.log");

    private final Path directory;
    private final int segmentSize;
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private long tail;
    private boolean ended;

    private record Segment(long start, MappedByteBuffer mapped, UnsafeBuffer buffer, File file)
    {
    }

    /**
     * Opens (or creates) the journal in a directory and finds its tail.
     *
     * @param directory   the journal's directory.
     * @param segmentSize bytes per segment file, a power of two of at least 4 KiB.
     * @throws IOException if the directory cannot be read or created.
     */
    public IngressJournal(final Path directory, final int segmentSize) throws IOException
    {
        if (segmentSize < 4096 || Integer.bitCount(segmentSize) != 1)
        {
            throw new IllegalArgumentException("segment size must be a power of two >= 4096: " + segmentSize);
        }
        this.directory = Files.createDirectories(directory);
        this.segmentSize = segmentSize;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory))
        {
            for (final Path file : files)
            {
                final Matcher m = SEGMENT.matcher(file.getFileName().toString());
                if (m.matches())
                {
                    final long start = Long.parseLong(m.group(1));
                    final MappedByteBuffer mapped = IoUtil.mapExistingFile(file.toFile(), "journal segment");
                    segments.put(start, new Segment(start, mapped, new UnsafeBuffer(mapped), file.toFile()));
                }
            }
        }
        tail = recoverTail();
    }

    /**
     * @return the position after the last entry.
     */
    public synchronized long tail()
    {
        return tail;
    }

    /**
     * @return true if the journal holds an end marker: the ingress was closed.
     */
    public synchronized boolean isEnded()
    {
        return ended;
    }

    /**
     * Reserves space for an entry.
     *
     * @param length payload bytes.
     * @return the entry's position; write the payload at {@link #payloadBuffer}/{@link #payloadOffset},
     * then {@link #commit} or {@link #abort}.
     * @throws IllegalStateException if the journal holds an end marker.
     */
    public synchronized long claim(final int length)
    {
        if (ended)
        {
            throw new IllegalStateException("the journal is closed");
        }
        final int entryLength = BitUtil.align(HEADER + length, 8);
        if (entryLength > segmentSize - HEADER)
        {
            throw new IllegalArgumentException("record of " + length + " bytes does not fit a journal segment of " +
                segmentSize + " bytes");
        }
        long position = tail;
        final long segmentEnd = (position / segmentSize + 1) * segmentSize;
        if (position + entryLength > segmentEnd)
        {
            final Segment segment = segment(position);
            final int offset = (int)(position - segment.start());
            segment.buffer().putInt(offset + 4, (int)(segmentEnd - position));
            segment.buffer().putIntRelease(offset, PADDING);
            position = segmentEnd;
        }
        final Segment segment = segment(position);
        final int offset = (int)(position - segment.start());
        segment.buffer().putInt(offset + 4, length);
        segment.buffer().putIntRelease(offset, CLAIMED);
        tail = position + entryLength;
        return position;
    }

    /**
     * @return bytes per segment.
     */
    public int segmentSize()
    {
        return segmentSize;
    }

    /**
     * @param position a journal position.
     * @return the buffer of the segment holding it (offset = position % segment size), or null if no
     * entry has been claimed in that segment yet. A reader calls this once per segment.
     */
    public synchronized UnsafeBuffer segmentBuffer(final long position)
    {
        final Segment segment = segmentOrNull(position);
        return null == segment ? null : segment.buffer();
    }

    /**
     * @param position a claimed entry.
     * @return the buffer to write its payload into, at {@link #payloadOffset(long)}.
     */
    public UnsafeBuffer payloadBuffer(final long position)
    {
        return segmentForReader(position).buffer();
    }

    /**
     * @param position a claimed entry.
     * @return offset of its payload in {@link #payloadBuffer(long)}.
     */
    public int payloadOffset(final long position)
    {
        return (int)(position % segmentSize) + HEADER;
    }

    /**
     * Publishes a claimed entry.
     *
     * @param position the claim.
     */
    public void commit(final long position)
    {
        segmentForReader(position).buffer().putIntRelease((int)(position % segmentSize), COMMITTED);
    }

    /**
     * Marks a claimed entry as skipped (its payload could not be written).
     *
     * @param position the claim.
     */
    public void abort(final long position)
    {
        segmentForReader(position).buffer().putIntRelease((int)(position % segmentSize), ABORTED);
    }

    /**
     * Appends the end marker: readers end their input there; later claims throw.
     */
    public synchronized void end()
    {
        if (!ended)
        {
            final long position = claim(0);
            segment(position).buffer().putIntRelease((int)(position % segmentSize), END);
            ended = true;
        }
    }

    /**
     * @param position a position at or before the tail.
     * @return status of the entry there ({@code EMPTY} if nothing was claimed there yet).
     */
    int status(final long position)
    {
        final Segment segment = segmentOrNull(position);
        return null == segment ? EMPTY : segment.buffer().getIntVolatile((int)(position - segment.start()));
    }

    int length(final long position)
    {
        return segmentForReader(position).buffer().getInt((int)(position % segmentSize) + 4);
    }

    long next(final long position, final int status)
    {
        if (status == PADDING)
        {
            return (position / segmentSize + 1) * segmentSize;
        }
        return position + BitUtil.align(HEADER + length(position), 8);
    }

    /**
     * Forces every segment to disk: committed entries then survive power loss. Costs a disk flush.
     */
    public synchronized void force()
    {
        for (final Segment segment : segments.values())
        {
            segment.mapped().force();
        }
    }

    /**
     * Deletes the segments that end at or before a position (one a completed checkpoint no longer
     * needs to replay).
     *
     * @param position a position the reader has passed.
     */
    public synchronized void truncateBefore(final long position)
    {
        while (!segments.isEmpty())
        {
            final Segment first = segments.firstEntry().getValue();
            if (first.start() + segmentSize > position || first.start() + segmentSize > tail)
            {
                return;
            }
            segments.remove(first.start());
            IoUtil.unmap(first.mapped());
            IoUtil.deleteIfExists(first.file());
        }
    }

    /**
     * @return the first position still in the journal.
     */
    public synchronized long head()
    {
        return segments.isEmpty() ? tail : segments.firstKey();
    }

    @Override
    public synchronized void close()
    {
        for (final Segment segment : segments.values())
        {
            IoUtil.unmap(segment.mapped());
        }
        segments.clear();
    }

    private long recoverTail()
    {
        if (segments.isEmpty())
        {
            return 0;
        }
        long position = segments.lastKey();
        final long end = position + segmentSize;
        while (position < end)
        {
            final int status = status(position);
            if (status == EMPTY)
            {
                return position;
            }
            if (status == CLAIMED)
            {
                // the process died between claim and commit: that offer never returned
                segment(position).buffer().putIntRelease((int)(position % segmentSize), ABORTED);
            }
            if (status == END)
            {
                ended = true;
            }
            position = next(position, status == CLAIMED ? ABORTED : status);
        }
        return position;
    }

    private synchronized Segment segmentForReader(final long position)
    {
        final Segment segment = segmentOrNull(position);
        if (null == segment)
        {
            throw new IllegalStateException("journal position " + position + " is not in the journal");
        }
        return segment;
    }

    private synchronized Segment segmentOrNull(final long position)
    {
        final Map.Entry<Long, Segment> entry = segments.floorEntry(position);
        return null != entry && position < entry.getKey() + segmentSize ? entry.getValue() : null;
    }

    private Segment segment(final long position)
    {
        final long start = position / segmentSize * segmentSize;
        Segment segment = segments.get(start);
        if (null == segment)
        {
            final File file = directory.resolve("journal-" + start + ".log").toFile();
            final MappedByteBuffer mapped = IoUtil.mapNewFile(file, segmentSize, true);
            segment = new Segment(start, mapped, new UnsafeBuffer(mapped), file);
            segments.put(start, segment);
        }
        return segment;
    }
}
