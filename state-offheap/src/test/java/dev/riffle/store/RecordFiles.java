package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Page records written by hand and damaged on purpose, for the tests of {@link PageRecords}.
 */
final class RecordFiles
{
    private RecordFiles()
    {
    }

    /**
     * Writes the cell of a long → long entry as {@link PagedKeyedStore} does, in 32-byte chunk {@code cell}
     * of a page's layout.
     */
    static void longCell(final UnsafeBuffer layout, final int cell, final int state, final long key, final long value)
    {
        final int at = cell * PageImages.CHUNK_SIZE;
        layout.putLong(at + BucketPage.CELL_TAG, BucketPage.tag(EntryHash.hash(state, key), state));
        layout.putLong(at + BucketPage.CELL_PAYLOAD, key);
        layout.putLong(at + LongCells.VALUE, value);
        layout.putInt(at + BucketPage.CELL_LENGTHS, BucketPage.LONG_LENGTHS);
    }

    /**
     * Changes the payload of the record at {@code offset} and recomputes the record's checksum.
     */
    static void rewrite(final Path file, final long offset, final Consumer<UnsafeBuffer> change) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer bytes = ByteBuffer.allocate((int)(channel.size() - offset));
            channel.read(bytes, offset);
            final int payload = bytes.getInt(4);
            change.accept(new UnsafeBuffer(bytes, PageRecords.HEADER, payload));
            final CRC32C crc = new CRC32C();
            crc.update(bytes.array(), 0, 8);
            crc.update(bytes.array(), PageRecords.HEADER, payload);
            bytes.putInt(8, (int)crc.getValue());
            channel.write(bytes.clear(), offset);
        }
    }

    /**
     * Applies the file's records at {@code offsets} in order to a fresh page and expects the last to be
     * refused with {@code error}, naming the file.
     *
     * @param startsWithImage whether the first record is read as a chain's first (a full image) or as a delta.
     */
    static void assertRefused(final Path file, final int pageSize, final boolean startsWithImage, final String error,
        final long... offsets) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final PageRecords.Reader reader = new PageRecords.Reader(pageSize);
            final UnsafeBuffer page = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
            final int last = offsets.length - 1;
            for (int i = 0; i < last; i++)
            {
                reader.apply(channel, file, offsets[i], 0 == i && startsWithImage, page, 0);
            }
            final CorruptSnapshotException ex = assertThrows(CorruptSnapshotException.class, () ->
                reader.apply(channel, file, offsets[last], 0 == last && startsWithImage, page, 0));
            assertTrue(ex.getMessage().contains(error) && ex.getMessage().contains(file.toString()), ex.getMessage());
        }
    }
}
