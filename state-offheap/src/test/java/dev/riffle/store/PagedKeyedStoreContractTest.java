package dev.riffle.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store contract on the paged store, with small pages so that tables split, rebuild and grow their
 * directories under the contract's entries.
 */
class PagedKeyedStoreContractTest extends KeyedStoreContract
{
    private static final StoreOptions OPTIONS = new StoreOptions(16 * 1024, 64);

    @Override
    protected KeyedStore open(final Path workDirectory, final int firstKeyGroup, final int lastKeyGroup)
        throws IOException
    {
        return PagedKeyedStore.create(workDirectory, firstKeyGroup, lastKeyGroup, OPTIONS);
    }

    @Override
    protected KeyedStore restore(final List<Path> manifests, final Path workDirectory, final int firstKeyGroup,
        final int lastKeyGroup) throws IOException
    {
        return PagedKeyedStore.restore(manifests, workDirectory, firstKeyGroup, lastKeyGroup, OPTIONS);
    }

    /**
     * A key group in two snapshots of one restore is refused, whether the second numbers its states as the
     * first (its pages used as they are) or not (its entries copied), and the refused restore leaves no
     * work directory behind.
     */
    @Test
    void aKeyGroupInTwoSnapshotsIsRefused() throws Exception
    {
        final KeyedStore first = track(open(dir.resolve("work-twice-first"), FIRST, LAST));
        final KeyedStore second = track(open(dir.resolve("work-twice-second"), FIRST, LAST));
        first.putLong(LAST, first.registerState("a"), 1, 1);
        second.putLong(LAST, second.registerState("b"), 1, 1);
        final Path firstManifest = first.snapshot(1, dir.resolve("snapshots-twice-first")).result()
            .get(30, TimeUnit.SECONDS).manifest();
        final Path secondManifest = second.snapshot(1, dir.resolve("snapshots-twice-second")).result()
            .get(30, TimeUnit.SECONDS).manifest();
        for (final Path other : List.of(firstManifest, secondManifest))
        {
            final Path work = dir.resolve("restored-twice");
            final IOException ex = assertThrows(IOException.class,
                () -> track(restore(List.of(firstManifest, other), work, FIRST, LAST)));
            assertTrue(ex.getMessage().contains(" is in two snapshots"), ex.getMessage());
            assertFalse(Files.exists(work), "no work directory left");
        }
    }
}
