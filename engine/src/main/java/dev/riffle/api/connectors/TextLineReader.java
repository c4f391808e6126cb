package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.functions.Collector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the UTF-8 lines that start in a byte range of a file: the reader of {@link TextFileSource}.
 * <p>
 * Bytes come from positional reads into one reusable heap buffer. A line is found by scanning for
 * the byte {@code \n} (which never occurs inside a multi-byte UTF-8 sequence) and decoded as a whole,
 * so a character split across two reads is decoded correctly. A line that fits in the buffer is
 * decoded straight from it; a longer one is gathered in a line buffer that grows as needed.
 * <p>
 * Owned by one task thread; not thread-safe.
 */
final class TextLineReader implements ReplayableSourceReader<String>
{
    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final int MAX_LINE_LENGTH = Integer.MAX_VALUE - 16;

    private final Path path;
    private final FileChannel channel;
    private final long end;
    private long limit;
    private final byte[] bytes;
    private final ByteBuffer buffer;
    private long bufferOffset;
    private int bufferLimit;
    private int cursor;
    private long nextLineStart;
    private byte[] line = new byte[256];
    private int lineLength;

    private TextLineReader(
        final Path path, final FileChannel channel, final long readFrom, final long end, final long limit, final int bufferSize)
    {
        this.path = path;
        this.channel = channel;
        this.end = end;
        this.limit = limit;
        this.bytes = new byte[bufferSize];
        this.buffer = ByteBuffer.wrap(bytes);
        this.bufferOffset = readFrom;
        this.nextLineStart = readFrom;
    }

    /**
     * Opens a reader of the lines starting in {@code [start, end)}. Takes ownership of the channel.
     *
     * @param path       the file, for messages.
     * @param channel    open for reading; closed by the reader (also if this method fails).
     * @param start      first byte of the range.
     * @param end        first byte after the range.
     * @param limit      file length: bytes at or after it are never read.
     * @param bufferSize read buffer size.
     * @return the reader, positioned at the first line starting at or after {@code start}.
     * @throws IOException on a read error.
     */
    static TextLineReader openRange(
        final Path path, final FileChannel channel, final long start, final long end, final long limit, final int bufferSize)
        throws IOException
    {
        final TextLineReader reader = new TextLineReader(path, channel, Math.max(0, start - 1), end, limit, bufferSize);
        try
        {
            if (start > 0)
            {
                reader.skipPastNewline(); // from start - 1: if that byte is \n, the line at start is ours
            }
            return reader;
        }
        catch (final IOException | RuntimeException ex)
        {
            reader.close();
            throw ex;
        }
    }

    /**
     * Opens a reader at a line start reported by {@link #position()}. Takes ownership of the channel.
     *
     * @param path       the file, for messages.
     * @param channel    open for reading; closed by the reader (also if this method fails).
     * @param position   a line start, or {@code limit}.
     * @param end        first byte after the range: lines starting at or after it are not read.
     * @param limit      file length.
     * @param bufferSize read buffer size.
     * @return the reader.
     * @throws IllegalArgumentException if {@code position} is not a line start.
     * @throws IOException              on a read error.
     */
    static TextLineReader openAt(
        final Path path, final FileChannel channel, final long position, final long end, final long limit, final int bufferSize)
        throws IOException
    {
        final TextLineReader reader = new TextLineReader(path, channel, Math.max(0, position - 1), end, limit, bufferSize);
        try
        {
            if (position > 0 && position < limit)
            {
                if (!reader.fill() || reader.bytes[0] != LF)
                {
                    throw new IllegalArgumentException(
                        "text file source: position " + position + " is not the start of a line in " + path);
                }
                reader.cursor = 1;
            }
            reader.nextLineStart = position;
            return reader;
        }
        catch (final IOException | RuntimeException ex)
        {
            reader.close();
            throw ex;
        }
    }

    @Override
    public int poll(final Collector<String> output, final int maxRecords) throws IOException
    {
        int emitted = 0;
        while (emitted < maxRecords)
        {
            final String line = readLine();
            if (line == null)
            {
                return emitted == 0 ? END_OF_INPUT : emitted;
            }
            output.collect(line);
            emitted++;
        }
        return emitted;
    }

    /**
     * @return byte offset of the next line to emit; at the end, the offset after the last line read.
     */
    @Override
    public long position()
    {
        return nextLineStart;
    }

    /**
     * @return first byte after this reader's range.
     */
    long end()
    {
        return end;
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }

    /**
     * @return the next line of the range without its terminator, or null when none is left.
     */
    String readLine() throws IOException
    {
        if (nextLineStart >= end || nextLineStart >= limit)
        {
            return null;
        }
        lineLength = 0;
        while (true)
        {
            if (cursor == bufferLimit && !fill())
            {
                // end of file: the last line has no terminator
                nextLineStart = bufferOffset;
                return lineLength == 0 ? null : new String(line, 0, lineLength, StandardCharsets.UTF_8);
            }
            final int lf = indexOfLf(bytes, cursor, bufferLimit);
            if (lf < 0)
            {
                append(cursor, bufferLimit - cursor);
                cursor = bufferLimit;
                continue;
            }
            final String text;
            if (lineLength == 0)
            {
                int length = lf - cursor;
                if (length > 0 && bytes[lf - 1] == CR)
                {
                    length--;
                }
                text = new String(bytes, cursor, length, StandardCharsets.UTF_8);
            }
            else
            {
                append(cursor, lf - cursor);
                final int length = line[lineLength - 1] == CR ? lineLength - 1 : lineLength;
                text = new String(line, 0, length, StandardCharsets.UTF_8);
            }
            cursor = lf + 1;
            nextLineStart = bufferOffset + cursor;
            return text;
        }
    }

    private void skipPastNewline() throws IOException
    {
        while (true)
        {
            if (cursor == bufferLimit && !fill())
            {
                nextLineStart = bufferOffset;
                return;
            }
            final int lf = indexOfLf(bytes, cursor, bufferLimit);
            if (lf >= 0)
            {
                cursor = lf + 1;
                nextLineStart = bufferOffset + cursor;
                return;
            }
            cursor = bufferLimit;
        }
    }

    /**
     * Reads the bytes that follow the buffer's content into the buffer.
     *
     * @return false at the end of the file (then the buffer is empty and {@code bufferOffset} is the end).
     */
    private boolean fill() throws IOException
    {
        bufferOffset += bufferLimit;
        bufferLimit = 0;
        cursor = 0;
        if (bufferOffset >= limit)
        {
            return false;
        }
        buffer.clear().limit((int)Math.min(bytes.length, limit - bufferOffset));
        while (buffer.hasRemaining())
        {
            final int read = channel.read(buffer, bufferOffset + buffer.position());
            if (read < 0)
            {
                limit = bufferOffset + buffer.position(); // the file shrank while being read
                break;
            }
        }
        bufferLimit = buffer.position();
        return bufferLimit > 0;
    }

    private void append(final int from, final int length) throws IOException
    {
        final int required = lineLength + length;
        if (required > line.length)
        {
            if (required < 0 || required > MAX_LINE_LENGTH)
            {
                throw new IOException("text file source: line starting at byte " + nextLineStart + " of " + path +
                    " is longer than " + MAX_LINE_LENGTH + " bytes");
            }
            final int grown = (int)Math.min(MAX_LINE_LENGTH, Math.max(required, 2L * line.length));
            line = Arrays.copyOf(line, grown);
        }
        System.arraycopy(bytes, from, line, lineLength, length);
        lineLength = required;
    }

    private static int indexOfLf(final byte[] bytes, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (bytes[i] == LF)
            {
                return i;
            }
        }
        return -1;
    }
}
