package dev.riffle.state.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The asynchronous part of a keyed state snapshot: what the task thread captured at the barrier
 * (a copy, or a copy-on-write epoch), written to files by a snapshot thread — or discarded. Used by one
 * snapshot thread, once.
 */
@FunctionalInterface
public interface KeyedStateSnapshot
{
    /**
     * Writes the captured state, durably.
     *
     * @param checkpointDirectory directory of the checkpoint.
     * @param filePrefix          unique prefix for this operator instance's files, e.g. {@code op-3-1}.
     * @return what was written.
     * @throws IOException on failure; fails the checkpoint, not the job.
     */
    KeyedStateHandle write(Path checkpointDirectory, String filePrefix) throws IOException;

    /**
     * Gives the snapshot up unwritten, releasing what it holds: called instead of {@link #write} when the
     * checkpoint failed before this snapshot's turn (another participant of the task failed to write).
     * A snapshot is either written or discarded, once. The default suits a snapshot that holds nothing
     * but heap objects.
     */
    default void discard()
    {
    }
}
