package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.SourceContext;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Reads a UTF-8 text file line by line, streaming: memory use is one read buffer plus the longest
 * line, whatever the file size. A line ends at {@code \n} or {@code \r\n}; the terminator is not part
 * of the record. The last line needs no terminator; a terminator at the very end does not start an
 * extra empty line; empty lines are emitted as {@code ""}; a lone {@code \r} is ordinary content.
 * Malformed UTF-8 is decoded as U+FFFD, as {@link String#String(byte[], java.nio.charset.Charset)} does.
 * <p>
 * Parallel: the file is cut into {@code p} byte ranges of equal size; instance {@code s} reads
 * {@code [s * length / p, (s + 1) * length / p)} and emits exactly the lines that <em>start</em> in
 * its range — it skips a partial first line (the previous instance reads it) and reads its last line
 * to its end even past the range. So every line is emitted once by one instance, in file order
 * within that instance. The file length is taken once, when the first reader is created, and the
 * file must not change while the job reads it: bytes appended later are not read.
 * <p>
 * Replayable: the position is the byte offset where the next line starts (everything before it has
 * been emitted); it is always 0, a line start, or the length of the file.
 * <p>
 * Thread-safety: the source may be shared; readers are created concurrently by the instances' task
 * threads, and each reader belongs to the task thread that created it.
 */
public final class TextFileSource implements ReplayableSource<String>
{
    /** Bytes read from the file at a time. */
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;

    private final Path path;
    private final int bufferSize;
    private long length = -1; // guarded by this: fixed when the first reader is created

    /**
     * @param path a readable UTF-8 text file.
     * @throws NullPointerException     if path is null.
     * @throws IllegalArgumentException if there is no file at path, or it is a directory.
     */
    public TextFileSource(final Path path)
    {
        this(path, DEFAULT_BUFFER_SIZE);
    }

    /**
     * @param path       a readable UTF-8 text file.
     * @param bufferSize bytes read at a time, >= 1; lines may be longer.
     * @throws NullPointerException     if path is null.
     * @throws IllegalArgumentException if there is no file at path, it is a directory, or the buffer
     *                                  size is below 1.
     */
    public TextFileSource(final Path path, final int bufferSize)
    {
        this.path = Objects.requireNonNull(path, "text file source: path");
        if (bufferSize < 1)
        {
            throw new IllegalArgumentException("text file source: bufferSize must be >= 1: " + bufferSize);
        }
        if (Files.isDirectory(path))
        {
            throw new IllegalArgumentException("text file source: " + path.toAbsolutePath() + " is a directory, not a file");
        }
        if (!Files.exists(path))
        {
            throw new IllegalArgumentException("text file source: no such file: " + path.toAbsolutePath());
        }
        this.bufferSize = bufferSize;
    }

    /**
     * @return the file.
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return {@link Integer#MAX_VALUE}: any parallelism; instances whose range holds no line start
     * emit nothing.
     */
    @Override
    public int maxParallelism()
    {
        return Integer.MAX_VALUE;
    }

    /**
     * Opens the file and positions the reader at the first line starting in this instance's range.
     *
     * @throws IOException naming the path if the file cannot be opened or read.
     */
    @Override
    public ReplayableSourceReader<String> createReader(final SourceContext context) throws IOException
    {
        checkInstance(context);
        final long length = length();
        final long start = splitStart(length, context.subtask(), context.parallelism());
        final long end = splitStart(length, context.subtask() + 1, context.parallelism());
        return TextLineReader.openRange(path, open(), start, end, length, bufferSize);
    }

    /**
     * @param position a byte offset this instance's reader reported: a line start within or after its range.
     * @throws IllegalArgumentException if the position is outside the instance's range or not a line start.
     * @throws IOException              naming the path if the file cannot be opened or read.
     */
    @Override
    public ReplayableSourceReader<String> createReader(final SourceContext context, final long position)
        throws IOException
    {
        checkInstance(context);
        final long length = length();
        final long start = splitStart(length, context.subtask(), context.parallelism());
        final long end = splitStart(length, context.subtask() + 1, context.parallelism());
        if (position < start || position > length)
        {
            throw new IllegalArgumentException("text file source '" + context.name() + "': position " + position +
                " outside [" + start + ", " + length + "] of instance " + context.subtask() + " of " +
                context.parallelism() + " reading " + path);
        }
        return TextLineReader.openAt(path, open(), position, end, length, bufferSize);
    }

    /**
     * First byte of the range of instance {@code subtask} of {@code parallelism}: {@code floor(length *
     * subtask / parallelism)}, computed without overflow. {@code splitStart(length, p, p) == length}.
     *
     * @param length      file length in bytes.
     * @param subtask     instance index, in {@code [0, parallelism]}.
     * @param parallelism number of instances.
     * @return the offset.
     */
    static long splitStart(final long length, final int subtask, final int parallelism)
    {
        // length = q * p + r  =>  floor(length * s / p) = q * s + floor(r * s / p), with r * s < 2^62
        return (length / parallelism) * subtask + (length % parallelism) * subtask / parallelism;
    }

    private synchronized long length() throws IOException
    {
        if (length < 0)
        {
            try
            {
                length = Files.size(path);
            }
            catch (final IOException ex)
            {
                throw new IOException("text file source: cannot read " + path.toAbsolutePath() + ": " + ex, ex);
            }
        }
        return length;
    }

    private FileChannel open() throws IOException
    {
        try
        {
            return FileChannel.open(path, StandardOpenOption.READ);
        }
        catch (final IOException ex)
        {
            throw new IOException("text file source: cannot open " + path.toAbsolutePath() + ": " + ex, ex);
        }
    }

    private void checkInstance(final SourceContext context)
    {
        if (context.parallelism() < 1 || context.subtask() < 0 || context.subtask() >= context.parallelism())
        {
            throw new IllegalArgumentException("text file source '" + context.name() + "': bad instance " +
                context.subtask() + " of " + context.parallelism());
        }
    }
}
