package dev.riffle.state.snapshot;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Durable file writing for checkpoints: every file is written through a CRC-32C, forced to disk
 * before it counts, and small files that must appear whole are renamed into place atomically.
 * Stateless; thread-safe.
 */
public final class CheckpointFiles
{
    private CheckpointFiles()
    {
    }

    /**
     * Writes what a checkpoint file must contain.
     */
    @FunctionalInterface
    public interface Writer
    {
        /**
         * @param out the file's stream; do not close it.
         * @throws IOException on failure.
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes a file and forces it to disk.
     *
     * @param directory the checkpoint directory.
     * @param name      file name inside it.
     * @param writer    produces the content.
     * @return the file's reference (path relative to the directory).
     * @throws IOException on failure.
     */
    public static FileRef write(final Path directory, final String name, final Writer writer) throws IOException
    {
        final Path file = directory.resolve(name);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final CrcOutputStream out = new CrcOutputStream(
                new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
            writer.write(out);
            out.flush();
            channel.force(true);
            return new FileRef(name, out.length, out.crc.getValue());
        }
    }

    /**
     * Writes bytes to {@code name.tmp}, forces them, renames to {@code name} atomically and forces the
     * directory, so {@code name} is either absent or complete.
     *
     * @param directory target directory.
     * @param name      final file name.
     * @param content   bytes.
     * @throws IOException on failure.
     */
    public static void writeAtomically(final Path directory, final String name, final byte[] content)
        throws IOException
    {
        final Path tmp = directory.resolve(name + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            channel.write(java.nio.ByteBuffer.wrap(content));
            channel.force(true);
        }
        Files.move(tmp, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(directory);
    }

    /**
     * Checks files against their references: existence and length first (so a truncated file is found
     * without reading anything), then the CRC-32C of every file, read in chunks on up to two threads
     * ({@link FileChecksums}).
     *
     * @param directory the checkpoint directory.
     * @param refs      what the files must be.
     * @throws CorruptCheckpointException naming the first file that is missing, of another length, cannot be
     *                                    read, or fails its checksum.
     */
    public static void verify(final Path directory, final List<FileRef> refs) throws CorruptCheckpointException
    {
        final List<Path> files = new ArrayList<>(refs.size());
        final long[] lengths = new long[refs.size()];
        for (int i = 0; i < lengths.length; i++)
        {
            final FileRef ref = refs.get(i);
            final Path file = directory.resolve(ref.path());
            if (!Files.isRegularFile(file))
            {
                throw new CorruptCheckpointException(file, "is missing", null);
            }
            final long length = size(file);
            if (length != ref.length())
            {
                throw new CorruptCheckpointException(file, "has " + length + " bytes, expected " + ref.length() +
                    " (truncated?)", null);
            }
            files.add(file);
            lengths[i] = length;
        }
        final long[] crcs;
        try
        {
            crcs = FileChecksums.crc32c(files, lengths);
        }
        catch (final IOException ex)
        {
            throw new CorruptCheckpointException(directory, "files cannot be read: " + ex, ex);
        }
        for (int i = 0; i < crcs.length; i++)
        {
            if (crcs[i] != refs.get(i).crc())
            {
                throw new CorruptCheckpointException(files.get(i), "fails its checksum", null);
            }
        }
    }

    private static long size(final Path file) throws CorruptCheckpointException
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            throw new CorruptCheckpointException(file, "cannot be read: " + ex, ex);
        }
    }

    /**
     * Describes a file a snapshot wrote by other means (a rename, a store's own writer): forces it to
     * disk and measures its length and CRC-32C.
     *
     * @param directory the checkpoint directory.
     * @param name      file name inside it.
     * @return its reference.
     * @throws IOException on failure.
     */
    public static FileRef describe(final Path directory, final String name) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory.resolve(name), StandardOpenOption.WRITE))
        {
            channel.force(true);
        }
        return measure(directory, name);
    }

    /**
     * Describes a file its writer has already forced to disk (e.g. a store manifest, forced before
     * its atomic rename): measures its length and CRC-32C without forcing it again. Its directory entry
     * is forced with the checkpoint directory's, when the checkpoint completes.
     *
     * @param directory the checkpoint directory.
     * @param name      file name inside it.
     * @return its reference.
     * @throws IOException on failure.
     */
    public static FileRef describeDurable(final Path directory, final String name) throws IOException
    {
        return measure(directory, name);
    }

    private static FileRef measure(final Path directory, final String name) throws IOException
    {
        try (InputStream in = Files.newInputStream(directory.resolve(name)))
        {
            final CRC32C crc = new CRC32C();
            final byte[] buffer = new byte[1 << 16];
            long length = 0;
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                crc.update(buffer, 0, n);
                length += n;
            }
            return new FileRef(name, length, crc.getValue());
        }
    }

    /**
     * Forces a directory's entries (new and renamed files) to disk, where the OS supports it.
     *
     * @param directory the directory.
     * @throws IOException on failure other than the OS not supporting it.
     */
    public static void forceDirectory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final UnsupportedOperationException | java.nio.file.AccessDeniedException ignore)
        {
            // some platforms cannot open directories; rename durability is then up to the file system
        }
    }

    /**
     * Deletes a directory tree; missing is fine.
     *
     * @param directory the tree.
     * @throws IOException on failure.
     */
    public static void deleteRecursively(final Path directory) throws IOException
    {
        if (!Files.exists(directory))
        {
            return;
        }
        try (var paths = Files.walk(directory))
        {
            for (final Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }

    private static final class CrcOutputStream extends FilterOutputStream
    {
        final CRC32C crc = new CRC32C();
        long length;

        CrcOutputStream(final OutputStream out)
        {
            super(out);
        }

        @Override
        public void write(final int b) throws IOException
        {
            crc.update(b);
            length++;
            out.write(b);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            crc.update(b, off, len);
            length += len;
            out.write(b, off, len);
        }

        @Override
        public void close()
        {
            // the caller owns the channel
        }
    }
}
