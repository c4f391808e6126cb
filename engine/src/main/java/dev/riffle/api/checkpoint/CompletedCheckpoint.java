package dev.riffle.api.checkpoint;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A checkpoint that completed: every task acknowledged it, its files and metadata are durable, and the
 * sinks committed their transactions.
 *
 * @param checkpointId the checkpoint's id (ids grow through the job's life, restarts included).
 * @param directory    its directory ({@code chk-<id>} under the job's checkpoint directory).
 * @param duration     from the trigger (barriers injected) to completion and commit.
 */
public record CompletedCheckpoint(long checkpointId, Path directory, Duration duration)
{
}
