package dev.riffle.state.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * CRC-32C of whole files, computed in chunks on up to two threads and combined: a recovery verifies every
 * file of the checkpoint it restores before it commits that checkpoint's sink transactions, and one
 * thread reading and summing a gigabyte of state is a fifth of the recovery's time. The chunks' checksums
 * are joined with the CRC combination of zlib's {@code crc32_combine} (a chunk's CRC shifted over the
 * next chunk's length by GF(2) matrix powers), which the JDK's {@link CRC32C} does not offer.
 * <p>
 * Threading: stateless; a call runs its chunks on the calling thread and at most one helper thread
 * ({@code riffle-verify}) it starts and joins before returning, so the helper's checksums happen-before
 * the combination.
 */
final class FileChecksums
{
    /**
     * The reflected CRC-32C (Castagnoli) polynomial.
     */
    private static final long POLYNOMIAL = 0x82F63B78L;
    private static final long CHUNK = 32L << 20;
    private static final int BUFFER = 1 << 20;

    private record Chunk(int file, long position, long length)
    {
    }

    private FileChecksums()
    {
    }

    /**
     * @param files   files to sum, each read from its start to the given length.
     * @param lengths how many bytes of each to sum; each at most the file's length.
     * @return each file's CRC-32C, as {@link CRC32C#getValue()} would give it.
     * @throws IOException if a file cannot be opened or read, or is shorter than its length.
     */
    static long[] crc32c(final List<Path> files, final long[] lengths) throws IOException
    {
        return crc32c(files, lengths, CHUNK);
    }

    /**
     * As {@link #crc32c(List, long[])}, with chunks of a given size (tests use small ones).
     */
    static long[] crc32c(final List<Path> files, final long[] lengths, final long chunkSize) throws IOException
    {
        final List<Chunk> chunks = new ArrayList<>();
        for (int f = 0; f < files.size(); f++)
        {
            for (long position = 0; position < lengths[f]; position += chunkSize)
            {
                chunks.add(new Chunk(f, position, Math.min(chunkSize, lengths[f] - position)));
            }
        }
        final long[] sums = new long[chunks.size()];
        final FileChannel[] channels = new FileChannel[files.size()];
        try
        {
            for (int f = 0; f < channels.length; f++)
            {
                channels[f] = FileChannel.open(files.get(f), StandardOpenOption.READ);
            }
            sumChunks(chunks, files, channels, sums);
        }
        finally
        {
            for (final FileChannel channel : channels)
            {
                if (null != channel)
                {
                    channel.close();
                }
            }
        }
        final long[] crcs = new long[files.size()];
        final boolean[] started = new boolean[files.size()];
        for (int c = 0; c < chunks.size(); c++)
        {
            final Chunk chunk = chunks.get(c);
            crcs[chunk.file] = started[chunk.file] ? combine(crcs[chunk.file], sums[c], chunk.length) : sums[c];
            started[chunk.file] = true;
        }
        return crcs;
    }

    /**
     * @param crc1    CRC-32C of a first sequence of bytes.
     * @param crc2    CRC-32C of a second.
     * @param length2 the second's length in bytes.
     * @return the CRC-32C of the first followed by the second.
     */
    static long combine(final long crc1, final long crc2, final long length2)
    {
        if (length2 <= 0)
        {
            return crc1;
        }
        final long[] even = new long[32];
        final long[] odd = new long[32];
        odd[0] = POLYNOMIAL; // the operator for one zero bit
        long row = 1;
        for (int n = 1; n < 32; n++)
        {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd); // two zero bits
        square(odd, even); // four
        long crc = crc1;
        long[] previous = odd;
        long[] next = even;
        // the first squaring gives the operator of one zero byte; each further one doubles the zeros
        for (long remaining = length2; remaining != 0; remaining >>>= 1)
        {
            square(next, previous);
            if ((remaining & 1) != 0)
            {
                crc = times(next, crc);
            }
            final long[] squared = next;
            next = previous;
            previous = squared;
        }
        return crc ^ crc2;
    }

    private static long times(final long[] matrix, final long vector)
    {
        long sum = 0;
        long v = vector;
        for (int i = 0; v != 0; i++, v >>>= 1)
        {
            if ((v & 1) != 0)
            {
                sum ^= matrix[i];
            }
        }
        return sum;
    }

    private static void square(final long[] square, final long[] matrix)
    {
        for (int n = 0; n < 32; n++)
        {
            square[n] = times(matrix, matrix[n]);
        }
    }

    private static void sumChunks(final List<Chunk> chunks, final List<Path> files, final FileChannel[] channels,
        final long[] sums) throws IOException
    {
        final AtomicInteger next = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Runnable work = () -> sum(chunks, files, channels, sums, next, failure);
        Thread helper = null;
        if (chunks.size() > 1 && Runtime.getRuntime().availableProcessors() > 1)
        {
            helper = new Thread(work, "riffle-verify");
            helper.setDaemon(true);
            try
            {
                helper.start();
            }
            catch (final OutOfMemoryError ex)
            {
                // no native thread to be had: the calling thread sums every chunk
                helper = null;
            }
        }
        work.run();
        if (null != helper)
        {
            joinUninterruptibly(helper);
        }
        final Throwable ex = failure.get();
        if (ex instanceof IOException io)
        {
            throw io;
        }
        if (ex instanceof RuntimeException runtime)
        {
            throw runtime;
        }
        if (ex instanceof Error error)
        {
            throw error;
        }
    }

    /**
     * Sums chunks taken in turn until none is left or a thread failed; records the first failure.
     */
    private static void sum(final List<Chunk> chunks, final List<Path> files, final FileChannel[] channels,
        final long[] sums, final AtomicInteger next, final AtomicReference<Throwable> failure)
    {
        try
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
            final CRC32C crc = new CRC32C();
            int c;
            while (null == failure.get() && (c = next.getAndIncrement()) < chunks.size())
            {
                final Chunk chunk = chunks.get(c);
                crc.reset();
                long position = chunk.position;
                final long end = chunk.position + chunk.length;
                while (position < end)
                {
                    buffer.clear().limit((int)Math.min(BUFFER, end - position));
                    final int read = channels[chunk.file].read(buffer, position);
                    if (read < 0)
                    {
                        throw new IOException(files.get(chunk.file) + " ends at " + position + " bytes, before " + end);
                    }
                    buffer.flip();
                    crc.update(buffer);
                    position += read;
                }
                sums[c] = crc.getValue();
            }
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, ex);
        }
    }

    /**
     * Waits for the helper even if interrupted: its channels are closed after this; the interrupt is kept.
     */
    private static void joinUninterruptibly(final Thread helper)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                helper.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
