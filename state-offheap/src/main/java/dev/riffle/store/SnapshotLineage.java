package dev.riffle.store;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the latest saved state of every page lives: its chain of records (a full image, then deltas),
 * with the epoch of the snapshot that wrote the chain's last record. Updated only when a snapshot
 * completes, and used by the next one to reference unchanged pages and to extend the chains of changed
 * ones. Used by one snapshot thread at a time; successive snapshots are ordered by the store's volatile
 * completion marker.
 */
final class SnapshotLineage
{
    /**
     * @param records    full image, then deltas.
     * @param savedAt    epoch of the snapshot that wrote the last record.
     * @param deltaBytes bytes of the chain's deltas, which a restore reads on top of the image.
     */
    record Chain(PageRef[] records, long savedAt, int deltaBytes)
    {
    }

    private final Map<Integer, Chain> chains = new HashMap<>();
    private final Map<String, StoreManifest.DataFile> files = new HashMap<>();
    private final Map<String, Path> directories = new HashMap<>();

    Chain chain(final int page)
    {
        return chains.get(page);
    }

    StoreManifest.DataFile file(final String name)
    {
        final StoreManifest.DataFile file = files.get(name);
        if (null == file)
        {
            throw new IllegalStateException("no record of data file " + name);
        }
        return file;
    }

    Path directory(final String name)
    {
        return directories.get(name);
    }

    void update(final Map<Integer, Chain> saved, final StoreManifest.DataFile newFile, final Path directory)
    {
        chains.putAll(saved);
        files.put(newFile.name(), newFile);
        directories.put(newFile.name(), directory);
    }
}
