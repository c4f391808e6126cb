package dev.riffle.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The store's own snapshot thread and the files of the snapshots it wrote: what
 * {@link PagedKeyedStore#snapshot(long, Path)} and {@link PagedKeyedStore#subsume(long)} run on.
 * <p>
 * <b>Files.</b> All snapshots of a store go to one directory (fixed by the first snapshot): manifests
 * {@code <store>-<id>.manifest}, data files {@code <store>-c<id>.pages}, where {@code <store>} is a random
 * name drawn when the store opens, so stores may share the directory. A data file is referenced by every
 * retained manifest that points into it, and by the latest completed snapshot, which is the base of the
 * next incremental one; it is deleted when the last reference goes.
 * <p>
 * <b>Threading.</b> {@link #start} and {@link #subsume} are called by the writer and only hand work to the
 * single snapshot thread (a daemon, started on the first snapshot); the reference counts are confined to
 * that thread, so snapshots, subsumes and deletions are ordered as they were started, without locks.
 * The executor's queue hand-off is what publishes a {@link StoreSnapshot} to the snapshot thread.
 */
final class SnapshotService
{
    private final PagedKeyedStore store;
    private final String prefix = "store-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private ExecutorService thread;
    private Path directory;
    private long lastSnapshotId = Long.MIN_VALUE;

    // ---- snapshot thread only
    private final Map<Long, Retained> retained = new HashMap<>();
    private final Map<String, Integer> references = new HashMap<>();
    private Retained base;

    private record Retained(Path manifest, List<String> files)
    {
    }

    SnapshotService(final PagedKeyedStore store)
    {
        this.store = store;
    }

    /**
     * Writer thread: starts a snapshot and gives its writing to the snapshot thread.
     */
    SnapshotHandle start(final long snapshotId, final Path targetDirectory)
    {
        final Path target = targetDirectory.toAbsolutePath().normalize();
        if (null != directory && !directory.equals(target))
        {
            throw new IllegalArgumentException("snapshots of a store go to one directory, " + directory +
                ", not " + target + " (incremental snapshots refer to earlier files there)");
        }
        if (snapshotId <= lastSnapshotId)
        {
            throw new IllegalArgumentException("snapshot id " + snapshotId + " not above the previous " + lastSnapshotId);
        }
        if (null == directory)
        {
            directory = target; // set once, before the first hand-off to the snapshot thread publishes it
        }
        lastSnapshotId = snapshotId;
        final StoreSnapshot snapshot = store.snapshot(snapshotId);
        final CompletableFuture<SnapshotResult> result = new CompletableFuture<>();
        thread().execute(() -> write(snapshot, snapshotId, target, result));
        return new SnapshotHandle(snapshotId, result);
    }

    /**
     * Writer thread: releases a snapshot on the snapshot thread.
     */
    CompletableFuture<Integer> subsume(final long snapshotId)
    {
        final CompletableFuture<Integer> deleted = new CompletableFuture<>();
        if (null == thread)
        {
            deleted.complete(0);
            return deleted;
        }
        thread.execute(() ->
        {
            try
            {
                deleted.complete(release(snapshotId));
            }
            catch (final IOException | RuntimeException ex)
            {
                deleted.completeExceptionally(ex);
            }
        });
        return deleted;
    }

    /**
     * Writer thread: lets the snapshot thread finish what it was given, then end.
     */
    void close()
    {
        if (null != thread)
        {
            thread.shutdown();
        }
    }

    private ExecutorService thread()
    {
        if (null == thread)
        {
            thread = Executors.newSingleThreadExecutor(runnable ->
            {
                final Thread t = new Thread(runnable, "riffle-store-snapshot");
                t.setDaemon(true);
                return t;
            });
        }
        return thread;
    }

    private void write(final StoreSnapshot snapshot, final long snapshotId, final Path target,
        final CompletableFuture<SnapshotResult> result)
    {
        final Path dataFile = target.resolve(prefix + "-c" + snapshotId + ".pages");
        try
        {
            Files.createDirectories(target);
            final SnapshotResult written = snapshot.write(
                target.resolve(prefix + "-" + snapshotId + ".manifest"), target, prefix);
            final List<String> files = written.files().stream().map(StoreManifest.DataFile::name).toList();
            final Retained snapshotFiles = new Retained(written.manifest(), files);
            retained.put(snapshotId, snapshotFiles);
            acquire(files);
            acquire(files); // as the base of the next incremental snapshot
            final Retained previousBase = base;
            base = snapshotFiles;
            if (null != previousBase)
            {
                releaseFiles(previousBase.files());
            }
            result.complete(written);
        }
        catch (final Throwable ex)
        {
            try
            {
                // nothing refers to a failed snapshot's data file: the next one is incremental to the last
                // completed snapshot, whose files are all still referenced
                Files.deleteIfExists(dataFile);
            }
            catch (final IOException cleanup)
            {
                ex.addSuppressed(cleanup);
            }
            result.completeExceptionally(ex);
        }
    }

    private int release(final long snapshotId) throws IOException
    {
        final Retained released = retained.remove(snapshotId);
        if (null == released)
        {
            return 0;
        }
        Files.deleteIfExists(released.manifest());
        return 1 + releaseFiles(released.files());
    }

    private void acquire(final List<String> files)
    {
        for (final String file : files)
        {
            references.merge(file, 1, Integer::sum);
        }
    }

    private int releaseFiles(final List<String> files) throws IOException
    {
        int deleted = 0;
        for (final String file : files)
        {
            final int left = references.merge(file, -1, Integer::sum);
            if (left <= 0)
            {
                references.remove(file);
                if (Files.deleteIfExists(directory.resolve(file)))
                {
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
