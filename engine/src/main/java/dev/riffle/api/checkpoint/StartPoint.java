package dev.riffle.api.checkpoint;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a job with checkpointing starts: from the latest completed checkpoint in its checkpoint
 * directory (the default, which is what makes a restarted process resume after a crash), from
 * nothing, or from a given checkpoint or savepoint directory.
 */
public sealed interface StartPoint
{
    /**
     * @return resume from the latest complete checkpoint of this job if there is one, else start fresh.
     */
    static StartPoint latestCheckpoint()
    {
        return Latest.INSTANCE;
    }

    /**
     * @return ignore existing checkpoints and start from the beginning of every source.
     */
    static StartPoint fresh()
    {
        return Fresh.INSTANCE;
    }

    /**
     * @param directory a checkpoint ({@code chk-<n>}) or savepoint directory with a {@code _metadata} file.
     * @return start from it; a missing or corrupt directory, or one of another job, fails the start.
     */
    static StartPoint from(final Path directory)
    {
        return new FromPath(directory);
    }

    /**
     * Resume from the latest complete checkpoint.
     */
    enum Latest implements StartPoint
    {
        /**
         * The one instance.
         */
        INSTANCE
    }

    /**
     * Start from scratch.
     */
    enum Fresh implements StartPoint
    {
        /**
         * The one instance.
         */
        INSTANCE
    }

    /**
     * Start from a given checkpoint or savepoint.
     *
     * @param directory its directory.
     */
    record FromPath(Path directory) implements StartPoint
    {
        /**
         * Validates.
         */
        public FromPath
        {
            Objects.requireNonNull(directory, "checkpoint or savepoint directory");
        }
    }
}
