package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full page images without their zero chunks: written and read back byte for byte whatever the target
 * held before, exactly the non-zero chunks' bytes long, and a bitmap that does not match its record
 * refused.
 */
class PageRecordsTest
{
    @TempDir
    Path dir;

    @Test
    void fullImagesReadBackExactlyAndHoldOnlyTheNonZeroChunks() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(7);
        for (final int pageSize : new int[]{4096, 65536})
        {
            final int layoutSize = ChangedLines.layoutSize(pageSize);
            final int chunks = layoutSize / PageRecords.CHUNK_SIZE;
            // empty, full, every other chunk, the last chunk alone, single non-zero bytes at random
            final byte[][] pages = new byte[5][layoutSize];
            Arrays.fill(pages[1], (byte)0x5A);
            for (int c = 0; c < chunks; c += 2)
            {
                pages[2][c * PageRecords.CHUNK_SIZE + random.nextInt(PageRecords.CHUNK_SIZE)] = (byte)(1 + random.nextInt(255));
            }
            pages[3][layoutSize - 1] = 1;
            for (int i = 0; i < 40; i++)
            {
                pages[4][random.nextInt(layoutSize)] = (byte)(1 + random.nextInt(255));
            }
            final Path file = dir.resolve("pages-" + pageSize);
            final long[] offsets = new long[pages.length];
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
            {
                final PageRecords.Writer out = new PageRecords.Writer(channel, pageSize);
                for (int p = 0; p < pages.length; p++)
                {
                    offsets[p] = out.full(pageBuffer(pages[p], pageSize));
                }
                out.close();
                assertEquals(channel.size(), out.length());
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                final PageRecords.Reader reader = new PageRecords.Reader(pageSize);
                for (int p = 0; p < pages.length; p++)
                {
                    final long end = p + 1 < pages.length ? offsets[p + 1] : channel.size();
                    assertEquals(PageRecords.HEADER + PageRecords.fullPayload(layoutSize, nonZeroChunks(pages[p])),
                        end - offsets[p], "record length of page " + p + " of " + pageSize);
                    // the target holds other bytes everywhere: the image must overwrite its zero chunks too
                    final UnsafeBuffer target = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize + 128));
                    target.setMemory(0, target.capacity(), (byte)0xEE);
                    reader.apply(channel, file, offsets[p], true, target, 64);
                    final byte[] restored = new byte[layoutSize];
                    target.getBytes(64, restored);
                    assertArrayEquals(pages[p], restored, "page " + p + " of " + pageSize);
                    assertEquals((byte)0xEE, target.getByte(63));
                    assertEquals((byte)0xEE, target.getByte(64 + layoutSize));
                }
            }
        }
    }

    @Test
    void aBitmapThatDisagreesWithTheRecordIsRefused() throws IOException
    {
        final int pageSize = 4096;
        final byte[] page = new byte[ChangedLines.layoutSize(pageSize)];
        page[100] = 1;
        final Path file = dir.resolve("pages");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            final PageRecords.Writer out = new PageRecords.Writer(channel, pageSize);
            out.full(pageBuffer(page, pageSize));
            out.close();
        }
        final Path pristine = dir.resolve("pristine");
        java.nio.file.Files.copy(file, pristine);
        // one more chunk marked present, the record's checksum made to match: only the length check is left
        rewrite(file, bitmap -> bitmap.putLong(0, bitmap.getLong(0) | 1L));
        assertMalformed(file, pageSize);
        // the present chunk (100 / 32 = 3) moved to a bit past the page's 126 chunks: the count still
        // matches the length, so only the check of the spare bits is left
        java.nio.file.Files.copy(pristine, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        rewrite(file, bitmap ->
        {
            bitmap.putLong(0, bitmap.getLong(0) & ~(1L << 3));
            bitmap.putLong(8, bitmap.getLong(8) | 1L << 63);
        });
        assertMalformed(file, pageSize);
    }

    private static void assertMalformed(final Path file, final int pageSize) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final CorruptSnapshotException ex = assertThrows(CorruptSnapshotException.class, () ->
                new PageRecords.Reader(pageSize).apply(channel, file, 0, true,
                    new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize)), 0));
            assertTrue(ex.getMessage().contains("malformed page image") && ex.getMessage().contains(file.toString()),
                ex.getMessage());
        }
    }

    private static UnsafeBuffer pageBuffer(final byte[] layout, final int pageSize)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
        buffer.putBytes(0, layout);
        // the change map after the layout is not part of the image
        buffer.setMemory(layout.length, pageSize - layout.length, ChangedLines.CHANGED);
        return buffer;
    }

    private static int nonZeroChunks(final byte[] layout)
    {
        int present = 0;
        for (int c = 0; c < layout.length; c += PageRecords.CHUNK_SIZE)
        {
            for (int i = c; i < c + PageRecords.CHUNK_SIZE; i++)
            {
                if (0 != layout[i])
                {
                    present++;
                    break;
                }
            }
        }
        return present;
    }

    /**
     * Changes the payload of the file's first record and recomputes the record's checksum.
     */
    private static void rewrite(final Path file, final java.util.function.Consumer<UnsafeBuffer> change)
        throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer bytes = ByteBuffer.allocate((int)channel.size());
            channel.read(bytes, 0);
            final int payload = bytes.getInt(4);
            change.accept(new UnsafeBuffer(bytes, PageRecords.HEADER, payload));
            final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(bytes.array(), 0, 8);
            crc.update(bytes.array(), PageRecords.HEADER, payload);
            bytes.putInt(8, (int)crc.getValue());
            channel.write(bytes.clear(), 0);
        }
    }
}
