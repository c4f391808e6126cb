package dev.riffle.runtime.checkpoint;

import java.nio.file.Path;

/**
 * A verified, complete checkpoint or savepoint to restore from.
 *
 * @param directory its directory; file references are relative to it.
 * @param metadata  its metadata.
 */
public record RestoredCheckpoint(Path directory, CheckpointMetadata metadata)
{
}
