package dev.riffle.state.offheap;

import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;
import dev.riffle.store.KeyedStore;
import dev.riffle.store.PagedKeyedStore;
import dev.riffle.store.StoreOptions;
import dev.riffle.store.StoreRestore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Keyed state of one operator instance in a {@link PagedKeyedStore}: off the Java heap, in
 * memory-mapped pages, with O(1) copy-on-write snapshots that write only the pages changed since the
 * previous one. Confined to the task thread.
 */
final class OffHeapKeyedStateBackend extends StoreKeyedStateBackend
{
    /**
     * v2: {@code KeyedStream.sum} and {@code count} keep their running value in a {@code LongValueState}
     * (the store's native 8-byte long), where v1 kept a serialised {@code ValueState<Long>}: a v1
     * checkpoint is refused rather than read with the new meaning. v3: store format 5 (packed lookup
     * slots). v4: list and map states keep one entry per element or map entry ({@link CollectionKeys})
     * where v3 kept the key's whole collection in one entry. v5: store format 6 (full page images
     * without their all-zero chunks). v6: store format 7 (long → long cells of page images and deltas
     * reduced to key and value). v7: store format 8 (deltas carry lines of changed inline values as those
     * values). v8: store format 9 (long states in the manifest).
     */
    static final String FORMAT = "offheap-v8";

    private final Path workDirectory;
    private final StoreOptions options;
    private PagedKeyedStore store;

    OffHeapKeyedStateBackend(final KeyGroupRange keyGroups, final String operatorName, final Class<?> keyType,
        final Path workDirectory, final StoreOptions options)
    {
        super(keyGroups, operatorName, keyType, "off heap");
        this.workDirectory = workDirectory;
        this.options = options;
        try
        {
            this.store = PagedKeyedStore.create(workDirectory.resolve("store"), keyGroups.start(), keyGroups.end(),
                options);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the off-heap state of '" + operatorName + "' in " +
                workDirectory + ": " + ex, ex);
        }
    }

    /**
     * @return the backend's directory: the store's pages are in {@code store/} (or {@code restored/}); for tests.
     */
    Path workDirectory()
    {
        return workDirectory;
    }

    @Override
    protected KeyedStore store()
    {
        return store;
    }

    @Override
    public KeyedStateSnapshot snapshot(final long checkpointId)
    {
        return new OffHeapSnapshot(store.snapshot(checkpointId), keyGroups);
    }

    @Override
    public void restore(final Path checkpointDirectory, final List<KeyedStateHandle> handles) throws IOException
    {
        final List<StoreRestore.Source> sources = handlesToRestore(handles, FORMAT).stream()
            .map(handle -> OffHeapSnapshot.source(checkpointDirectory, handle))
            .toList();
        final PagedKeyedStore restored = StoreRestore.restore(workDirectory.resolve("restored"), keyGroups.start(),
            keyGroups.end(), options, sources);
        store.close();
        store = restored;
    }

    @Override
    public void close()
    {
        store.close();
    }
}
