package dev.riffle.store;

import java.util.concurrent.CompletableFuture;

/**
 * A snapshot started by {@link KeyedStore#snapshot(long, java.nio.file.Path)}: its id and the future of
 * what it wrote. The future completes on the store's snapshot thread; wait on it with a timeout.
 *
 * @param snapshotId caller's id.
 * @param result     completes with what was written once the manifest is durable, or exceptionally
 *                   ({@link java.io.IOException} as the cause) if writing failed; a failed snapshot
 *                   leaves no manifest, and the next one is incremental to the last completed one.
 */
public record SnapshotHandle(long snapshotId, CompletableFuture<SnapshotResult> result)
{
}
