package dev.riffle.state.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileChecksumsTest
{
    @TempDir
    Path directory;

    @Test
    void combiningTheChecksumsOfTwoPartsGivesTheWholesChecksum()
    {
        final Random random = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            final byte[] bytes = new byte[random.nextInt(5000)];
            random.nextBytes(bytes);
            final int split = random.nextInt(bytes.length + 1);
            assertEquals(crc(bytes, 0, bytes.length), FileChecksums.combine(crc(bytes, 0, split),
                crc(bytes, split, bytes.length - split), bytes.length - split), "split at " + split + " of " +
                bytes.length);
        }
    }

    @Test
    void filesSummedInChunksOnTwoThreadsHaveTheirWholeChecksums() throws IOException
    {
        final Random random = new Random(11);
        final int chunk = 4096;
        final int[] sizes = {0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk + 77, 40 * chunk + 5};
        final List<Path> files = new ArrayList<>();
        final long[] lengths = new long[sizes.length];
        final long[] expected = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++)
        {
            final byte[] bytes = new byte[sizes[i]];
            random.nextBytes(bytes);
            files.add(Files.write(directory.resolve("f" + i), bytes));
            lengths[i] = sizes[i];
            expected[i] = crc(bytes, 0, bytes.length);
        }
        assertArrayEquals(expected, FileChecksums.crc32c(files, lengths, chunk));
        assertArrayEquals(expected, FileChecksums.crc32c(files, lengths));
    }

    @Test
    void aFileShorterThanItsLengthFailsNamingIt() throws IOException
    {
        final Path file = Files.write(directory.resolve("short"), new byte[10_000]);
        final IOException ex = assertThrows(IOException.class,
            () -> FileChecksums.crc32c(List.of(file), new long[]{20_000}, 4096));
        assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
    }

    private static long crc(final byte[] bytes, final int offset, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
