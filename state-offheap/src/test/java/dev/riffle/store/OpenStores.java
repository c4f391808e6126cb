package dev.riffle.store;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * The stores a test opened, closed after each test, also when it fails (their pages are memory-mapped
 * files in the test's temporary directory): {@code @RegisterExtension final OpenStores stores = new
 * OpenStores();}, then open stores through {@link #track}.
 */
final class OpenStores implements AfterEachCallback
{
    private final List<KeyedStore> open = new ArrayList<>();

    /**
     * @return the store, closed after the test.
     */
    <T extends KeyedStore> T track(final T store)
    {
        open.add(store);
        return store;
    }

    /**
     * Closes a store before the test ends.
     */
    void close(final KeyedStore store)
    {
        open.remove(store);
        store.close();
    }

    /**
     * @return stores tracked and still open.
     */
    int count()
    {
        return open.size();
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        open.forEach(KeyedStore::close);
        open.clear();
    }
}
