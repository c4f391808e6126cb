package dev.riffle.store;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the latest saved copy of every page lives: the data file (by name) and the page's index in
 * it. Updated only when a snapshot completes, and used by the next one to reference unchanged pages
 * instead of writing them again. Used by one snapshot thread at a time; successive snapshots are
 * ordered by the store's volatile completion marker.
 */
final class SnapshotLineage
{
    private final Map<Integer, PageRef> locations = new HashMap<>();
    private final Map<String, StoreManifest.DataFile> files = new HashMap<>();
    private final Map<String, java.nio.file.Path> directories = new HashMap<>();

    PageRef location(final int page)
    {
        return locations.get(page);
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

    java.nio.file.Path directory(final String name)
    {
        return directories.get(name);
    }

    void update(final Map<Integer, PageRef> saved, final StoreManifest.DataFile newFile,
        final java.nio.file.Path directory)
    {
        locations.putAll(saved);
        files.put(newFile.name(), newFile);
        directories.put(newFile.name(), directory);
    }
}
