package dev.riffle.api.connectors;

import dev.riffle.api.connector.Sink;
import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes records as UTF-8 lines into an output directory, one part file per parallel instance.
 * <p>
 * Instance {@code s} writes to the hidden file {@code .part-<s>.inprogress} through a 1 MiB buffer.
 * At end of input ({@link SinkWriter#finish()}) it flushes, forces the file to disk, renames it
 * atomically to {@code part-<s>} (replacing an existing one) and forces the directory, so a
 * {@code part-} file is always complete. A writer closed without finish (failure, cancellation)
 * deletes its in-progress file and leaves no part file. Files whose names start with {@code .} are
 * never results.
 * <p>
 * The directory is created if missing. The sink owns the {@code part-<n>} files in it: instance 0
 * deletes those with {@code n >= parallelism}, left by an earlier run at a higher parallelism, so
 * that after the job the directory holds exactly this job's parts. Other files are left alone.
 * <p>
 * Not exactly-once across restarts: a restarted job rewrites its part files from the start.
 * <p>
 * Thread-safety: the sink may be shared; each writer belongs to its task thread and touches only its
 * own files. The formatter is called by every instance concurrently (see {@link LineFormatter}).
 *
 * @param <T> record type.
 */
public final class TextFileSink<T> implements Sink<T>
{
    private static final int BUFFER_BYTES = 1 << 20;
    private static final Pattern PART_FILE = Pattern.compile("part-(\\d+)");

    private final Path directory;
    private final LineFormatter<? super T> formatter;

    /**
     * Writes each record's {@code toString()}.
     *
     * @param directory output directory; created when the job starts if missing.
     */
    public TextFileSink(final Path directory)
    {
        this(directory, String::valueOf);
    }

    /**
     * @param directory output directory; created when the job starts if missing.
     * @param formatter line of a record; stateless.
     */
    public TextFileSink(final Path directory, final LineFormatter<? super T> formatter)
    {
        this.directory = Objects.requireNonNull(directory, "text file sink: directory");
        this.formatter = Objects.requireNonNull(formatter, "text file sink: formatter");
    }

    /**
     * @return the output directory.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @param subtask instance index.
     * @return the name of the finished part file of that instance: {@code part-<subtask>}.
     */
    public static String partFileName(final int subtask)
    {
        return "part-" + subtask;
    }

    /**
     * @param subtask instance index.
     * @return the name of the part file while it is written: {@code .part-<subtask>.inprogress}.
     */
    public static String inProgressFileName(final int subtask)
    {
        return ".part-" + subtask + ".inprogress";
    }

    /**
     * Creates the directory if needed and opens the instance's in-progress file.
     *
     * @throws IOException naming the directory or file if it cannot be created.
     */
    @Override
    public SinkWriter<T> createWriter(final SinkContext context) throws IOException
    {
        try
        {
            Files.createDirectories(directory);
        }
        catch (final IOException ex)
        {
            throw new IOException("text file sink '" + context.name() + "': cannot create output directory " +
                directory.toAbsolutePath() + ": " + ex, ex);
        }
        if (context.subtask() == 0)
        {
            deleteStaleParts(context);
        }
        final Path inProgress = directory.resolve(inProgressFileName(context.subtask()));
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(
                inProgress, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new IOException("text file sink '" + context.name() + "': cannot create " +
                inProgress.toAbsolutePath() + ": " + ex, ex);
        }
        return new PartWriter<>(formatter, channel, inProgress, directory.resolve(partFileName(context.subtask())));
    }

    private void deleteStaleParts(final SinkContext context) throws IOException
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory))
        {
            for (final Path file : files)
            {
                final var matcher = PART_FILE.matcher(file.getFileName().toString());
                if (matcher.matches() && isAtLeast(matcher.group(1), context.parallelism()))
                {
                    Files.deleteIfExists(file);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IOException("text file sink '" + context.name() + "': cannot remove old part files in " +
                directory.toAbsolutePath() + ": " + ex, ex);
        }
    }

    private static boolean isAtLeast(final String digits, final int bound)
    {
        return digits.length() > 9 || Integer.parseInt(digits) >= bound;
    }

    /**
     * Writes one instance's part file; owned by its task thread.
     */
    private static final class PartWriter<T> implements SinkWriter<T>
    {
        private final LineFormatter<? super T> formatter;
        private final FileChannel channel;
        private final Writer out;
        private final Path inProgress;
        private final Path part;
        private boolean finished;
        private boolean closed;

        PartWriter(final LineFormatter<? super T> formatter, final FileChannel channel, final Path inProgress, final Path part)
        {
            this.formatter = formatter;
            this.channel = channel;
            this.inProgress = inProgress;
            this.part = part;
            this.out = new OutputStreamWriter(
                new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES), StandardCharsets.UTF_8);
        }

        @Override
        public void write(final T record) throws Exception
        {
            final String line = formatter.format(record);
            if (line == null)
            {
                throw new NullPointerException("text file sink: formatter returned null for " + record);
            }
            out.write(line);
            out.write('\n');
        }

        /**
         * Flushes, forces to disk and publishes the part file by atomic rename.
         */
        @Override
        public void finish() throws IOException
        {
            out.flush();
            channel.force(true);
            closed = true;
            out.close(); // closes the channel
            Files.move(inProgress, part, StandardCopyOption.ATOMIC_MOVE);
            finished = true;
            forceDirectory(part.getParent());
        }

        /**
         * Without finish: discards the in-progress file.
         */
        @Override
        public void close() throws IOException
        {
            if (!closed)
            {
                closed = true;
                channel.close(); // not out.close(): flushing would be wasted work
            }
            if (!finished)
            {
                Files.deleteIfExists(inProgress);
            }
        }

        private static void forceDirectory(final Path directory)
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
}
