package dev.riffle.store;

import java.nio.file.Path;
import java.util.List;

/**
 * What a completed {@link StoreSnapshot} wrote.
 *
 * @param manifest     the manifest file.
 * @param files        every data file the manifest refers to, new and earlier ones.
 * @param pagesWritten pages written to the new data file, as full images or deltas.
 * @param deltasWritten of which written as deltas of their changed lines.
 * @param pagesReused  pages referenced in earlier data files.
 * @param bytesWritten bytes of the new data file.
 */
public record SnapshotResult(
    Path manifest,
    List<StoreManifest.DataFile> files,
    int pagesWritten,
    int deltasWritten,
    int pagesReused,
    long bytesWritten)
{
}
