package dev.riffle.api.connectors;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;
import dev.riffle.api.connector.TwoPhaseCommitSink;
import dev.riffle.api.connector.TwoPhaseCommitSinkWriter;

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
import java.util.List;
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
 * <b>With checkpointing</b> the sink is exactly-once by two-phase commit. Records go to the
 * in-progress file; the synchronous phase of checkpoint n ({@link TwoPhaseCommitSinkWriter#prepareCommit})
 * flushes and forces it and renames it to {@code .part-<s>-<n>.pending}; when checkpoint n is complete
 * the runtime {@linkplain #commit commits} it by renaming it atomically to {@code part-<s>-<n>}. On a
 * restart, the restored checkpoint's pending files are committed (again, idempotently) and every other
 * in-progress or pending file is deleted ({@link #abortUncommitted()}), so only committed data remains
 * and the records after the checkpoint are written again by the replay. Checkpoint ids grow across
 * restarts and runs, so committed names never collide, even if the parallelism changes. The tail of
 * the input is covered by the job's final checkpoint; {@code finish} then commits nothing itself.
 * <p>
 * Thread-safety: the sink may be shared; each writer belongs to its task thread and touches only its
 * own files. The formatter is called by every instance concurrently (see {@link LineFormatter}).
 *
 * @param <T> record type.
 */
public final class TextFileSink<T> implements TwoPhaseCommitSink<T>
{
    private static final int BUFFER_BYTES = 1 << 20;
    private static final Pattern PART_FILE = Pattern.compile("part-(\\d+)");
    private static final Pattern UNCOMMITTED_FILE = Pattern.compile("\\.part-\\d+(-\\d+)?\\.(inprogress|pending)");
    private static final String PENDING_SUFFIX = ".pending";

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
    public TwoPhaseCommitSinkWriter<T> createWriter(final SinkContext context) throws IOException
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
        return new PartWriter<>(formatter, channel, inProgress, directory.resolve(partFileName(context.subtask())),
            context.subtask());
    }

    /**
     * @param subtask      instance index.
     * @param checkpointId checkpoint that prepared it.
     * @return name of a prepared, not yet committed file: {@code .part-<subtask>-<checkpointId>.pending}.
     */
    public static String pendingFileName(final int subtask, final long checkpointId)
    {
        return ".part-" + subtask + '-' + checkpointId + PENDING_SUFFIX;
    }

    /**
     * Renames each pending file to its committed name ({@code part-<s>-<n>}), atomically, then forces
     * the directory. A transaction whose pending file is gone but whose committed file exists was
     * committed before and is skipped.
     *
     * @throws IllegalStateException naming the file if neither exists: its records are lost.
     */
    @Override
    public void commit(final List<String> transactions) throws IOException
    {
        for (final String transaction : transactions)
        {
            if (!transaction.startsWith(".") || !transaction.endsWith(PENDING_SUFFIX))
            {
                throw new IllegalArgumentException("not a transaction of a text file sink: " + transaction);
            }
            final Path pending = directory.resolve(transaction);
            final Path committed = directory.resolve(
                transaction.substring(1, transaction.length() - PENDING_SUFFIX.length()));
            if (Files.exists(pending))
            {
                Files.move(pending, committed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            else if (!Files.exists(committed))
            {
                throw new IllegalStateException("text file sink: neither " + pending.toAbsolutePath() + " nor " +
                    committed.toAbsolutePath() + " exists: the records of this transaction are lost");
            }
        }
        if (!transactions.isEmpty())
        {
            PartWriter.forceDirectory(directory);
        }
    }

    /**
     * Deletes every in-progress and pending file in the directory; committed files stay.
     */
    @Override
    public void abortUncommitted() throws IOException
    {
        if (!Files.isDirectory(directory))
        {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory))
        {
            for (final Path file : files)
            {
                if (UNCOMMITTED_FILE.matcher(file.getFileName().toString()).matches())
                {
                    Files.deleteIfExists(file);
                }
            }
        }
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
    private static final class PartWriter<T> implements TwoPhaseCommitSinkWriter<T>
    {
        private final LineFormatter<? super T> formatter;
        private final Path inProgress;
        private final Path part;
        private final int subtask;
        private FileChannel channel;
        private Writer out;
        private boolean written;
        private boolean checkpointing;
        private boolean finished;
        private boolean closed;

        PartWriter(
            final LineFormatter<? super T> formatter,
            final FileChannel channel,
            final Path inProgress,
            final Path part,
            final int subtask)
        {
            this.formatter = formatter;
            this.inProgress = inProgress;
            this.part = part;
            this.subtask = subtask;
            open(channel);
        }

        private void open(final FileChannel channel)
        {
            this.channel = channel;
            this.out = new OutputStreamWriter(
                new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES), StandardCharsets.UTF_8);
            this.closed = false;
        }

        @Override
        public void write(final T record) throws Exception
        {
            final String line = formatter.format(record);
            if (line == null)
            {
                throw new NullPointerException("text file sink: formatter returned null for " + record);
            }
            if (closed)
            {
                open(FileChannel.open(inProgress, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING));
            }
            out.write(line);
            out.write('\n');
            written = true;
        }

        /**
         * Makes what was written since the previous call durable as {@code .part-<s>-<n>.pending}.
         */
        @Override
        public List<String> prepareCommit(final long checkpointId) throws IOException
        {
            checkpointing = true;
            if (!written)
            {
                return List.of();
            }
            closeDurably();
            final String pendingName = pendingFileName(subtask, checkpointId);
            Files.move(inProgress, inProgress.resolveSibling(pendingName), StandardCopyOption.ATOMIC_MOVE);
            written = false;
            return List.of(pendingName);
        }

        /**
         * Without checkpoints: flushes, forces to disk and publishes the part file by atomic rename.
         * With checkpoints the final checkpoint has prepared everything; nothing is left to publish.
         */
        @Override
        public void finish() throws IOException
        {
            if (checkpointing)
            {
                if (written)
                {
                    throw new IllegalStateException("text file sink: records were written after the final " +
                        "checkpoint of " + part.getParent() + "; they would not be committed");
                }
                finished = true;
                close();
                return;
            }
            closeDurably();
            Files.move(inProgress, part, StandardCopyOption.ATOMIC_MOVE);
            finished = true;
            forceDirectory(part.getParent());
        }

        /**
         * Discards the in-progress file unless it was published; never touches pending files, which
         * may belong to a checkpoint that completes.
         */
        @Override
        public void close() throws IOException
        {
            if (!closed)
            {
                closed = true;
                channel.close(); // not out.close(): flushing would be wasted work
            }
            if (!finished || checkpointing)
            {
                Files.deleteIfExists(inProgress);
            }
        }

        private void closeDurably() throws IOException
        {
            if (closed)
            {
                open(FileChannel.open(inProgress, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING));
            }
            out.flush();
            channel.force(true);
            closed = true;
            out.close(); // closes the channel
        }

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
}
