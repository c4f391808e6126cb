package dev.riffle.api.connectors;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.TwoPhaseCommitSinkWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The writer of one instance of a {@link TextFileSink}; the file protocol is described there.
 * Owned by its task thread; touches only its own files.
 * <p>
 * State: at most one open in-progress file ({@code current}); {@code written} says whether a record
 * went into it since it was opened. In checkpointing mode the file is opened lazily, at the first
 * record after a checkpoint, so an idle instance creates no files.
 *
 * @param <T> record type.
 */
final class TextFilePartWriter<T> implements TwoPhaseCommitSinkWriter<T>
{
    private static final int BUFFER_BYTES = 1 << 20;
    private static final long NO_CHECKPOINT = Long.MIN_VALUE;

    private final LineFormatter<? super T> formatter;
    private final Path directory;
    private final int subtask;
    private final String name;
    private Path current;
    private FileChannel channel;
    private Writer out;
    private boolean written;
    private long lastCheckpoint = NO_CHECKPOINT;
    private boolean finished;
    private boolean closed;

    /**
     * Opens {@code .part-<s>.inprogress}, truncating a leftover of an earlier run.
     */
    TextFilePartWriter(final SinkContext context, final LineFormatter<? super T> formatter, final Path directory)
        throws IOException
    {
        this.formatter = formatter;
        this.directory = directory;
        this.subtask = context.subtask();
        this.name = context.name();
        open(directory.resolve(TextFileSink.inProgressFileName(subtask)));
    }

    @Override
    public void write(final T record) throws Exception
    {
        final String line = formatter.format(record);
        if (line == null)
        {
            throw new NullPointerException("text file sink: formatter returned null for " + record);
        }
        if (null == current)
        {
            if (closed)
            {
                throw new IllegalStateException("text file sink '" + name + "': write after close");
            }
            open(directory.resolve(TextFileSink.inProgressFileName(subtask, lastCheckpoint)));
        }
        out.write(line);
        out.write('\n');
        written = true;
    }

    /**
     * Switches to checkpointing mode; makes what was written since the previous call durable as
     * {@code .part-<s>-<n>.pending} (flush, force, atomic rename) and returns that name.
     *
     * @throws IllegalArgumentException if the id is not above the previous one: the pending names
     *                                  would collide.
     */
    @Override
    public List<String> prepareCommit(final long checkpointId) throws IOException
    {
        if (lastCheckpoint != NO_CHECKPOINT && checkpointId <= lastCheckpoint)
        {
            throw new IllegalArgumentException("text file sink '" + name + "': checkpoint " + checkpointId +
                " after checkpoint " + lastCheckpoint + ": ids must increase");
        }
        lastCheckpoint = checkpointId;
        if (!written)
        {
            return List.of();
        }
        final String pendingName = TextFileSink.pendingFileName(subtask, checkpointId);
        closeDurably();
        Files.move(current, directory.resolve(pendingName), StandardCopyOption.ATOMIC_MOVE);
        current = null;
        written = false;
        return List.of(pendingName);
    }

    /**
     * Without checkpoints: flushes, forces and publishes {@code part-<s>} by atomic rename, then forces
     * the directory. With checkpoints the final checkpoint prepared everything: deletes the empty
     * in-progress file, if any, and commits nothing.
     *
     * @throws IllegalStateException in checkpointing mode, if records were written after the last
     *                               checkpoint: they could never be committed.
     */
    @Override
    public void finish() throws IOException
    {
        if (lastCheckpoint != NO_CHECKPOINT)
        {
            if (written)
            {
                throw new IllegalStateException("text file sink '" + name + "': records were written to " +
                    current.toAbsolutePath() + " after the final checkpoint " + lastCheckpoint +
                    "; they would never be committed");
            }
            finished = true;
            close();
            return;
        }
        closeDurably();
        final Path part = directory.resolve(TextFileSink.partFileName(subtask));
        Files.move(current, part, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        current = null;
        finished = true;
        forceDirectory(directory);
    }

    /**
     * Closes and deletes the in-progress file, if one is open; never touches pending files, which may
     * belong to a checkpoint that completes later. Idempotent.
     */
    @Override
    public void close() throws IOException
    {
        closed = true;
        if (null != current)
        {
            channel.close(); // not out.close(): flushing would be wasted work
            Files.deleteIfExists(current);
            current = null;
        }
    }

    private void open(final Path file) throws IOException
    {
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new IOException("text file sink '" + name + "': cannot create " + file.toAbsolutePath() + ": " + ex,
                ex);
        }
        out = new OutputStreamWriter(
            new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES), StandardCharsets.UTF_8);
        current = file;
        written = false;
    }

    private void closeDurably() throws IOException
    {
        out.flush();
        channel.force(true);
        out.close(); // closes the channel
    }

    /**
     * Forces a directory, so that renames and creations in it survive power loss.
     *
     * @param directory the directory.
     */
    static void forceDirectory(final Path directory)
    {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ignore)
        {
            // not every platform can open or force a directory (Windows); the rename is still atomic
        }
    }
}
