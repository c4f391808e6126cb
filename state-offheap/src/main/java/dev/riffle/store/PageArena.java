package dev.riffle.store;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Fixed-size pages in memory-mapped segment files: the only place entries live. The arena grows a
 * segment at a time (a new file mapped, never a copy of existing pages), so growth costs one mmap,
 * and the data set may exceed RAM: the OS pages segments in and out. Pages are never freed; a store
 * is discarded as a whole.
 * <p>
 * Threading: pages are allocated by the owning writer thread only. {@link #buffer(int)} and
 * {@link #offset(int)} may be read by a snapshot thread for pages that existed when its snapshot
 * started: the segment list is published by the writer's later release store (the snapshot's
 * activation), and segments are never removed before {@link #close()}.
 */
final class PageArena implements AutoCloseable
{
    /**
     * The smallest page: the operating system's page, so that every page's address is 4 KiB-aligned.
     */
    static final int MIN_PAGE_SIZE = 4096;

    /**
     * The largest page: its cell count stays below 4,096, which {@link KeyGroupDirectory#slot} packs into
     * the low bits of the page's (4 KiB-aligned) address.
     */
    static final int MAX_PAGE_SIZE = 128 * 1024;

    private final Path directory;
    private final int pageSize;
    private final int pageShift;
    private final int pagesPerSegmentShift;
    private final int pagesPerSegmentMask;
    private final List<MappedByteBuffer> mapped = new ArrayList<>();
    private final List<FileChannel> fillChannels = new ArrayList<>(); // guarded by this
    private volatile UnsafeBuffer[] published = new UnsafeBuffer[0];
    private UnsafeBuffer[] segments = new UnsafeBuffer[0];
    private int pageCount;
    private final LongSupplier usableSpace;

    /**
     * @param directory       where segment files go; created; files are deleted on close.
     * @param pageSize        bytes per page, a power of two of at least 4 KiB.
     * @param pagesPerSegment pages per segment file, a power of two.
     */
    PageArena(final Path directory, final int pageSize, final int pagesPerSegment) throws IOException
    {
        this(directory, pageSize, pagesPerSegment, null);
    }

    /**
     * @param usableSpace free bytes of the directory's file system, or null to ask the file system (tests
     *                    pass their own).
     */
    PageArena(final Path directory, final int pageSize, final int pagesPerSegment, final LongSupplier usableSpace)
        throws IOException
    {
        if (Integer.bitCount(pageSize) != 1 || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE ||
            Integer.bitCount(pagesPerSegment) != 1)
        {
            throw new IllegalArgumentException("page size must be a power of two from " + MIN_PAGE_SIZE + " to " +
                MAX_PAGE_SIZE + " and pages per segment a power of two: " + pageSize + ", " + pagesPerSegment);
        }
        if ((long)pageSize * pagesPerSegment > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("a segment must stay below 2 GiB");
        }
        this.directory = Files.createDirectories(directory);
        this.pageSize = pageSize;
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.pagesPerSegmentShift = Integer.numberOfTrailingZeros(pagesPerSegment);
        this.pagesPerSegmentMask = pagesPerSegment - 1;
        this.usableSpace = null != usableSpace ? usableSpace : () -> usableSpace(this.directory);
    }

    private static long usableSpace(final Path directory)
    {
        try
        {
            return Files.getFileStore(directory).getUsableSpace();
        }
        catch (final IOException ex)
        {
            return Long.MAX_VALUE; // the file system cannot say: the check below cannot help either
        }
    }

    int pageSize()
    {
        return pageSize;
    }

    int pageCount()
    {
        return pageCount;
    }

    /**
     * @return a new zeroed page; writer thread only.
     */
    int allocate()
    {
        final int page = pageCount;
        if ((page >>> pagesPerSegmentShift) == segments.length)
        {
            addSegment();
        }
        pageCount++;
        return page;
    }

    /**
     * @return the segment buffer of a page; writer thread (plain read).
     */
    UnsafeBuffer buffer(final int page)
    {
        return segments[page >>> pagesPerSegmentShift];
    }

    /**
     * @return the segment buffer of a page; any other thread (volatile read of the segment list).
     */
    UnsafeBuffer bufferForReader(final int page)
    {
        return published[page >>> pagesPerSegmentShift];
    }

    /**
     * @return the memory address of a page, valid until {@link #close()}; writer thread.
     */
    long address(final int page)
    {
        return segments[page >>> pagesPerSegmentShift].addressOffset() + offset(page);
    }

    int offset(final int page)
    {
        return (page & pagesPerSegmentMask) << pageShift;
    }

    /**
     * @return a sort key that orders pages by their place in their segment, then by segment: pages taken
     * in this order alternate between segment files.
     */
    long acrossSegments(final int page)
    {
        return (long)(page & pagesPerSegmentMask) << 32 | (page >>> pagesPerSegmentShift);
    }

    /**
     * Writes a page's content through the segment's file instead of its mapping: a restore fills many
     * pages at once, and a write(2) into the page cache costs no page fault, where storing through a new
     * shared mapping faults once per 4 KiB (the mapping sees the written bytes: one page cache). The
     * faults then come one by one as the job touches its state. Call {@link #finishFilling()} when done.
     * <p>
     * Threading: any threads may fill distinct pages at once, while no page is allocated (the segment
     * files must exist); the channels are positional, and the one lock guards only their lazy opening.
     * A filling thread's bytes are in the page cache once this returns; a thread reading them through the
     * mapping must be ordered after it (e.g. by {@link Thread#join()}).
     *
     * @param page    an allocated page.
     * @param content its bytes from position to limit, written from the page's start.
     * @throws IOException if the write fails.
     */
    void fill(final int page, final ByteBuffer content) throws IOException
    {
        final FileChannel channel = fillChannel(page >>> pagesPerSegmentShift);
        long position = offset(page);
        while (content.hasRemaining())
        {
            position += channel.write(content, position);
        }
    }

    private synchronized FileChannel fillChannel(final int segment) throws IOException
    {
        while (fillChannels.size() <= segment)
        {
            fillChannels.add(FileChannel.open(segmentFile(fillChannels.size()), StandardOpenOption.WRITE));
        }
        return fillChannels.get(segment);
    }

    /**
     * Closes the files {@link #fill} opened; after every fill has returned.
     *
     * @throws IOException if one cannot be closed.
     */
    synchronized void finishFilling() throws IOException
    {
        for (final FileChannel channel : fillChannels)
        {
            channel.close();
        }
        fillChannels.clear();
    }

    private Path segmentFile(final int segment)
    {
        return directory.resolve("segment-" + segment + ".pages");
    }

    /**
     * Maps one more segment file, after checking that its file system has room for it: the file is
     * sparse (no blocks reserved), and a store through the mapping to a page the file system cannot
     * back kills the JVM with SIGBUS. The check makes that an exception in the common case, a file
     * system filling up with state; it cannot cover space taken by others after it.
     *
     * @throws IllegalStateException if the file system has less free space than a segment.
     */
    private void addSegment()
    {
        final UnsafeBuffer[] current = segments;
        final File file = segmentFile(current.length).toFile();
        final long length = (long)pageSize << pagesPerSegmentShift;
        final long free = usableSpace.getAsLong();
        if (free < length)
        {
            throw new IllegalStateException("the state directory " + directory + " has " + (free >> 20) +
                " MiB free, less than the " + (length >> 20) + " MiB a new segment of pages may use: writing " +
                "state into a full file system would crash the JVM (SIGBUS); configure a state directory " +
                "with more room");
        }
        final MappedByteBuffer buffer = IoUtil.mapNewFile(file, length, false);
        mapped.add(buffer);
        final UnsafeBuffer[] grown = java.util.Arrays.copyOf(current, current.length + 1);
        grown[current.length] = new UnsafeBuffer(buffer);
        segments = grown;
        published = grown;
    }

    @Override
    public void close()
    {
        try
        {
            finishFilling();
        }
        catch (final IOException ex)
        {
            // the files are deleted below anyway
        }
        for (final MappedByteBuffer buffer : mapped)
        {
            IoUtil.unmap(buffer);
        }
        mapped.clear();
        segments = new UnsafeBuffer[0];
        published = segments;
        IoUtil.delete(directory.toFile(), true);
    }
}
