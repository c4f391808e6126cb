package dev.riffle.api.connectors;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;
import dev.riffle.api.connector.TwoPhaseCommitSink;
import dev.riffle.api.connector.TwoPhaseCommitSinkWriter;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes records as UTF-8 lines into an output directory, one part file per parallel instance.
 * Files whose names start with {@code .} are never results; every other file this sink creates is
 * complete and final.
 * <p>
 * <b>Without checkpointing</b> (no {@link TwoPhaseCommitSinkWriter#prepareCommit prepareCommit} call
 * ever reaches the writer) instance {@code s} writes the hidden file {@code .part-<s>.inprogress}
 * through a 1 MiB buffer. At end of input ({@link SinkWriter#finish()}) it flushes, forces the file to
 * disk, renames it atomically to {@code part-<s>} (replacing an existing one) and forces the
 * directory. A writer closed without finish (failure, cancellation) deletes its in-progress file and
 * leaves no part file. Instance 0 deletes the {@code part-<n>} files with {@code n >= parallelism},
 * left by an earlier run at a higher parallelism, so that after the job the directory holds exactly
 * this job's parts. Other files are left alone.
 * <p>
 * <b>With checkpointing</b> the sink is exactly-once by two-phase commit; a writer switches to this
 * mode at its first {@code prepareCommit} and never leaves it:
 * <ol>
 * <li>records go to an in-progress file: {@code .part-<s>.inprogress} until the first checkpoint,
 * then {@code .part-<s>-<k>.inprogress}, opened at the first record after checkpoint {@code k};</li>
 * <li>the synchronous phase of checkpoint {@code n} flushes and forces the in-progress file (if a
 * record was written since the previous checkpoint), renames it atomically to
 * {@code .part-<s>-<n>.pending} and returns that name as the transaction;</li>
 * <li>once checkpoint {@code n} is complete the coordinator {@linkplain #commit commits} it: atomic
 * rename to {@code part-<s>-<n>}, then the directory is forced;</li>
 * <li>on a restart the restored checkpoint's transactions are committed again (idempotent) and
 * {@link #abortUncommitted()} deletes every other in-progress and pending file, so only committed
 * data remains and the records after the checkpoint are written again by the replay.</li>
 * </ol>
 * The concatenation of the committed files in checkpoint order is exactly the records the instance
 * wrote up to its latest completed checkpoint. Checkpoint ids increase across restarts and runs, so
 * committed names never collide, even when the parallelism changes. The tail of the input is covered
 * by the job's final checkpoint, taken before the sinks finish: {@code finish} then commits nothing;
 * it deletes the (empty) in-progress file, and throws if records were written after the last
 * checkpoint, since they could never be committed.
 * <p>
 * Thread-safety: the sink may be shared; each writer belongs to its task thread and touches only its
 * own files. {@link #commit} and {@link #abortUncommitted()} run on the coordinator thread and touch
 * only pending and in-progress files, as {@link TwoPhaseCommitSink} describes. The formatter is called
 * by every instance concurrently (see {@link LineFormatter}).
 *
 * @param <T> record type.
 */
public final class TextFileSink<T> implements TwoPhaseCommitSink<T>
{
    private static final Pattern PART_FILE = Pattern.compile("part-(\\d+)");
    private static final Pattern PENDING_FILE = Pattern.compile("\\.(part-\\d+-\\d+)\\.pending");
    private static final Pattern UNCOMMITTED_FILE = Pattern.compile("\\.part-\\d+(-\\d+)?\\.(inprogress|pending)");

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
     * @return the part file of that instance without checkpointing: {@code part-<subtask>}.
     */
    public static String partFileName(final int subtask)
    {
        return "part-" + subtask;
    }

    /**
     * @param subtask instance index.
     * @return the file written before the instance's first checkpoint: {@code .part-<subtask>.inprogress}.
     */
    public static String inProgressFileName(final int subtask)
    {
        return ".part-" + subtask + ".inprogress";
    }

    /**
     * @param subtask        instance index.
     * @param lastCheckpoint the checkpoint the file's first record follows.
     * @return the file written after that checkpoint: {@code .part-<subtask>-<lastCheckpoint>.inprogress}.
     */
    public static String inProgressFileName(final int subtask, final long lastCheckpoint)
    {
        return ".part-" + subtask + '-' + lastCheckpoint + ".inprogress";
    }

    /**
     * @param subtask      instance index.
     * @param checkpointId checkpoint that prepared it.
     * @return a prepared, not yet committed file (a transaction): {@code .part-<subtask>-<checkpointId>.pending}.
     */
    public static String pendingFileName(final int subtask, final long checkpointId)
    {
        return ".part-" + subtask + '-' + checkpointId + ".pending";
    }

    /**
     * @param subtask      instance index.
     * @param checkpointId checkpoint that prepared it.
     * @return the committed file of that transaction: {@code part-<subtask>-<checkpointId>}.
     */
    public static String committedFileName(final int subtask, final long checkpointId)
    {
        return "part-" + subtask + '-' + checkpointId;
    }

    /**
     * Creates the directory if needed and opens the instance's in-progress file
     * {@code .part-<s>.inprogress} (truncating a leftover).
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
        return new TextFilePartWriter<>(context, formatter, directory);
    }

    /**
     * Renames each pending file to its committed name atomically, then forces the directory. A
     * transaction whose pending file is gone but whose committed file exists was committed before and
     * is skipped. Every committable transaction is committed even if another one is lost.
     *
     * @param transactions names returned by the writers' {@code prepareCommit}.
     * @throws IllegalArgumentException if a transaction is not the name of a pending file of this sink.
     * @throws IllegalStateException    naming every pending file of which neither the pending nor the
     *                                  committed file exists: its records are lost.
     * @throws IOException              if a rename fails.
     */
    @Override
    public void commit(final List<String> transactions) throws IOException
    {
        final List<String> lost = new ArrayList<>();
        for (final String transaction : transactions)
        {
            final Matcher matcher = PENDING_FILE.matcher(transaction);
            if (!matcher.matches())
            {
                throw new IllegalArgumentException("text file sink " + directory.toAbsolutePath() +
                    ": not a transaction of this sink: " + transaction);
            }
            final Path pending = directory.resolve(transaction);
            final Path committed = directory.resolve(matcher.group(1));
            if (Files.exists(pending))
            {
                Files.move(pending, committed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            else if (!Files.exists(committed))
            {
                lost.add(pending.toAbsolutePath() + " (nor " + committed.getFileName() + ")");
            }
        }
        if (!transactions.isEmpty())
        {
            TextFilePartWriter.forceDirectory(directory);
        }
        if (!lost.isEmpty())
        {
            throw new IllegalStateException("text file sink: cannot commit, the records of these transactions are " +
                "lost: neither the pending nor the committed file exists: " + String.join(", ", lost));
        }
    }

    /**
     * Deletes every in-progress and pending file ({@code .part-*.inprogress}, {@code .part-*.pending})
     * in the directory; committed files and files of other names stay. Called on the coordinator thread
     * while no writer of this sink is open.
     *
     * @throws IOException if the directory cannot be listed or a file cannot be deleted.
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
                final Matcher matcher = PART_FILE.matcher(file.getFileName().toString());
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
}
