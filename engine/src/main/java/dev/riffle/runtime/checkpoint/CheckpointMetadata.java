package dev.riffle.runtime.checkpoint;

import dev.riffle.state.snapshot.FileRef;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code _metadata} of a completed checkpoint or savepoint: the last file written, and the only
 * one that makes the checkpoint exist.
 *
 * @param jobName        the job.
 * @param checkpointId   checkpoint number, increasing for the life of the checkpoint directory.
 * @param timestampMillis when it was triggered (epoch millis).
 * @param maxParallelism the job's number of key groups; restoring with another one is refused.
 * @param savepoint      true for a savepoint (kept until deleted by hand).
 * @param states         every operator instance's contribution.
 */
public record CheckpointMetadata(
    String jobName,
    long checkpointId,
    long timestampMillis,
    int maxParallelism,
    boolean savepoint,
    List<OperatorSubtaskState> states)
{
    /**
     * Copies the state list.
     */
    public CheckpointMetadata
    {
        states = List.copyOf(states);
    }

    /**
     * @param operatorId an operator.
     * @return its instances' states, by subtask.
     */
    public List<OperatorSubtaskState> statesOf(final int operatorId)
    {
        final List<OperatorSubtaskState> result = new ArrayList<>();
        for (final OperatorSubtaskState state : states)
        {
            if (state.operatorId() == operatorId)
            {
                result.add(state);
            }
        }
        result.sort((a, b) -> Integer.compare(a.subtask(), b.subtask()));
        return result;
    }

    /**
     * @return every file the checkpoint refers to.
     */
    public List<FileRef> files()
    {
        final List<FileRef> files = new ArrayList<>();
        for (final OperatorSubtaskState state : states)
        {
            if (null != state.keyedState())
            {
                files.addAll(state.keyedState().files());
            }
        }
        return files;
    }
}
