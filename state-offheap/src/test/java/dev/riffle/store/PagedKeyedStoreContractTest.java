package dev.riffle.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
}
