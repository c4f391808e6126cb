package dev.riffle.api.connectors.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory-mapped segment files of an {@link IngressJournal}: {@code journal-<start>.log}, where
 * {@code start} is the journal position of the segment's first byte (a multiple of the segment
 * size, 19 digits). Segments are contiguous from the first to the last.
 * <p>
 * Lookup is lock-free: an immutable {@link View} (first segment index and an array of mapped
 * segments) is published through a volatile field. Every change — mapping a new segment, deleting
 * old ones, forcing, unmapping — happens under this object's monitor and publishes a new view.
 * <p>
 * Unmapping is the one hazard: a thread touching an unmapped segment crashes the JVM. Segments are
 * therefore deleted only by {@link #deleteBefore(long)} (the caller guarantees no thread will touch
 * them again) and by {@link #close()}; forcing a range re-checks under the monitor that its segment
 * is still mapped.
 */
final class JournalSegments
{
    private static final Pattern SEGMENT_FILE = Pattern.compile("journal-(\\d+)\\.log");
    private static final Segment[] NO_SEGMENTS = new Segment[0];

    private final Path directory;
    private final int segmentSize;
    private final int shift;
    private final boolean forceDirectoryOnCreate;
    private volatile View view;
    private volatile IOException creationFailure;

    private record Segment(long start, File file, MappedByteBuffer mapped, UnsafeBuffer buffer)
    {
    }

    private record View(long firstIndex, Segment[] segments)
    {
    }

    /**
     * Maps every segment file in the directory (creating the directory if missing). A last segment
     * shorter than the segment size was being created when the process died, before anything could be
     * written to it, and is deleted.
     *
     * @param forceDirectoryOnCreate force the directory after creating a segment file (for power-loss
     *                               durability).
     * @throws IOException           if the directory cannot be read.
     * @throws IllegalStateException naming the file if segments are missing in the middle or a segment
     *                               has a different size (the journal was written with another size).
     */
    JournalSegments(final Path directory, final int segmentSize, final boolean forceDirectoryOnCreate)
        throws IOException
    {
        this.directory = Files.createDirectories(directory);
        this.segmentSize = segmentSize;
        this.shift = Integer.numberOfTrailingZeros(segmentSize);
        this.forceDirectoryOnCreate = forceDirectoryOnCreate;
        final TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory))
        {
            for (final Path file : stream)
            {
                final Matcher matcher = SEGMENT_FILE.matcher(file.getFileName().toString());
                if (matcher.matches())
                {
                    files.put(Long.parseLong(matcher.group(1)), file);
                }
            }
        }
        if (!files.isEmpty() && Files.size(files.lastEntry().getValue()) < segmentSize)
        {
            Files.delete(files.pollLastEntry().getValue());
        }
        final Segment[] segments = new Segment[files.size()];
        long expected = files.isEmpty() ? 0 : files.firstKey();
        int i = 0;
        for (final Map.Entry<Long, Path> entry : files.entrySet())
        {
            final Path file = entry.getValue();
            if (entry.getKey() != expected || (expected & (segmentSize - 1)) != 0)
            {
                throw new IllegalStateException("ingress journal " + directory.toAbsolutePath() + ": expected the " +
                    "segment starting at " + expected + ", found " + file.getFileName() + ": segments are missing");
            }
            if (Files.size(file) != segmentSize)
            {
                throw new IllegalStateException("ingress journal " + directory.toAbsolutePath() + ": " +
                    file.getFileName() + " has " + Files.size(file) + " bytes, not the segment size " + segmentSize +
                    ": open the journal with the segment size it was written with");
            }
            final MappedByteBuffer mapped = IoUtil.mapExistingFile(file.toFile(), "ingress journal segment");
            segments[i++] = new Segment(entry.getKey(), file.toFile(), mapped, new UnsafeBuffer(mapped));
            expected += segmentSize;
        }
        this.view = new View(files.isEmpty() ? 0 : files.firstKey() >>> shift, segments);
    }

    /**
     * @param position a journal position.
     * @return the buffer of the mapped segment holding it (at offset {@code position % segmentSize}),
     * or null if that segment is not mapped (not created yet, or deleted). Lock-free; any thread.
     */
    UnsafeBuffer bufferOrNull(final long position)
    {
        final View view = this.view;
        final long i = (position >>> shift) - view.firstIndex;
        if (i >= 0 && i < view.segments.length)
        {
            return view.segments[(int)i].buffer;
        }
        return null;
    }

    /**
     * @param position a position a writer reserved: never in a deleted segment.
     * @return the buffer of its segment, created (zero-filled, then mapped) if needed.
     * @throws UncheckedIOException if the segment file cannot be created; every later creation then
     *                              fails too, since the positions in that segment are lost.
     */
    UnsafeBuffer bufferForWrite(final long position)
    {
        final UnsafeBuffer buffer = bufferOrNull(position);
        return null != buffer ? buffer : create(position >>> shift);
    }

    /**
     * @return true if a segment could not be created: the positions reserved in it are lost.
     */
    boolean creationFailed()
    {
        return null != creationFailure;
    }

    /**
     * @return start of the first segment, or -1 if there is none.
     */
    long firstStart()
    {
        final View view = this.view;
        return view.segments.length == 0 ? -1 : view.segments[0].start;
    }

    /**
     * @return start of the last segment, or -1 if there is none.
     */
    long lastStart()
    {
        final View view = this.view;
        return view.segments.length == 0 ? -1 : view.segments[view.segments.length - 1].start;
    }

    /**
     * Deletes the segments that end at or before a position, except the last segment, which keeps the
     * tail of the journal findable. The caller guarantees that no thread touches them any more.
     *
     * @param position a position no reader will go back before.
     * @return the number of segments deleted.
     */
    synchronized int deleteBefore(final long position)
    {
        final Segment[] segments = view.segments;
        int deleted = 0;
        while (deleted < segments.length - 1 && segments[deleted].start + segmentSize <= position)
        {
            deleted++;
        }
        if (deleted > 0)
        {
            final Segment[] kept = new Segment[segments.length - deleted];
            System.arraycopy(segments, deleted, kept, 0, kept.length);
            view = new View(view.firstIndex + deleted, kept);
            for (int i = 0; i < deleted; i++)
            {
                IoUtil.unmap(segments[i].mapped);
                IoUtil.deleteIfExists(segments[i].file);
            }
        }
        return deleted;
    }

    /**
     * Forces the pages of a range to disk, if its segment is still mapped (a deleted segment is no
     * longer needed).
     *
     * @param position start of the range; the range does not cross a segment boundary.
     * @param length   bytes.
     */
    synchronized void force(final long position, final int length)
    {
        final View view = this.view;
        final long i = (position >>> shift) - view.firstIndex;
        if (i >= 0 && i < view.segments.length)
        {
            view.segments[(int)i].mapped.force((int)(position & (segmentSize - 1)), length);
        }
    }

    /**
     * Forces every segment and the directory to disk.
     */
    synchronized void forceAll()
    {
        for (final Segment segment : view.segments)
        {
            segment.mapped.force();
        }
        forceDirectory();
    }

    /**
     * Unmaps every segment; the files stay. No thread may touch the journal afterwards.
     */
    synchronized void close()
    {
        for (final Segment segment : view.segments)
        {
            IoUtil.unmap(segment.mapped);
        }
        view = new View(view.firstIndex, NO_SEGMENTS);
    }

    private synchronized UnsafeBuffer create(final long index)
    {
        final UnsafeBuffer buffer = bufferOrNull(index << shift);
        if (null != buffer)
        {
            return buffer;
        }
        if (null != creationFailure)
        {
            throw new UncheckedIOException("ingress journal " + directory.toAbsolutePath() +
                ": an earlier segment could not be created", creationFailure);
        }
        final View view = this.view;
        if (index < view.firstIndex)
        {
            throw new IllegalStateException("ingress journal " + directory.toAbsolutePath() + ": position " +
                (index << shift) + " is in a deleted segment");
        }
        // writers of later segments may get here first: create every segment up to this one
        final int count = (int)(index - view.firstIndex) + 1;
        final Segment[] grown = new Segment[count];
        System.arraycopy(view.segments, 0, grown, 0, view.segments.length);
        try
        {
            for (int i = view.segments.length; i < count; i++)
            {
                grown[i] = newSegment((view.firstIndex + i) << shift);
            }
        }
        finally
        {
            int created = view.segments.length;
            while (created < count && null != grown[created])
            {
                created++;
            }
            final Segment[] published = new Segment[created];
            System.arraycopy(grown, 0, published, 0, created);
            this.view = new View(view.firstIndex, published);
        }
        return grown[count - 1].buffer;
    }

    private Segment newSegment(final long start)
    {
        final Path path = directory.resolve(String.format("journal-%019d.log", start));
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE))
        {
            // write real zeros before mapping: a full disk fails here, not as SIGBUS in a later store
            IoUtil.fill(channel, 0, segmentSize, (byte)0);
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, segmentSize);
        }
        catch (final IOException ex)
        {
            creationFailure = ex;
            throw new UncheckedIOException("ingress journal: cannot create segment " + path.toAbsolutePath() + ": " +
                ex, ex);
        }
        if (forceDirectoryOnCreate)
        {
            forceDirectory();
        }
        return new Segment(start, path.toFile(), mapped, new UnsafeBuffer(mapped));
    }

    private void forceDirectory()
    {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ignore)
        {
            // not every platform can open or force a directory (Windows)
        }
    }
}
