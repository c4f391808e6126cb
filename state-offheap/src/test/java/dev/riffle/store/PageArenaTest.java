package dev.riffle.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageArenaTest
{
    @TempDir
    Path dir;

    @Test
    void aSegmentIsNotMappedWhereTheFileSystemHasNoRoomForIt() throws Exception
    {
        final AtomicLong free = new AtomicLong(1L << 30);
        try (PageArena arena = new PageArena(dir.resolve("pages"), 4096, 4, free::get))
        {
            for (int i = 0; i < 4; i++)
            {
                assertEquals(i, arena.allocate());
            }
            free.set((4 * 4096) - 1);
            final IllegalStateException full = assertThrows(IllegalStateException.class, arena::allocate);
            assertTrue(full.getMessage().contains("configure a state directory with more room"), full.getMessage());
            assertEquals(4, arena.pageCount(), "no page allocated");

            free.set(4 * 4096);
            assertEquals(4, arena.allocate(), "room again: the next segment is mapped");
        }
    }

    @Test
    void pageSizesOutsideFourToOneHundredTwentyEightKibibytesAreRefused()
    {
        for (final int pageSize : new int[]{2048, 256 * 1024, 3 * 4096})
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> new PageArena(dir.resolve("pages-" + pageSize), pageSize, 4, () -> 1L << 30).close());
            assertTrue(ex.getMessage().contains("from 4096 to 131072"), ex.getMessage());
        }
    }
}
