package dev.riffle.runtime.checkpoint;

import dev.riffle.state.snapshot.KeyedStateHandle;

import java.util.List;

/**
 * What one operator instance contributed to a checkpoint.
 *
 * @param operatorId       id of the operator in the job (its transformation id).
 * @param operatorName     its name, checked on restore.
 * @param subtask          instance index.
 * @param parallelism      number of instances when the checkpoint was taken.
 * @param sourcePosition   a replayable source's position, or {@link #NO_POSITION}.
 * @param sinkTransactions transactions a two-phase-commit sink prepared, possibly empty.
 * @param keyedState       keyed state, or null for an operator without.
 */
public record OperatorSubtaskState(
    int operatorId,
    String operatorName,
    int subtask,
    int parallelism,
    long sourcePosition,
    List<String> sinkTransactions,
    KeyedStateHandle keyedState)
{
    /**
     * No source position: not a source, or a source that cannot replay.
     */
    public static final long NO_POSITION = Long.MIN_VALUE;

    /**
     * Copies the transaction list.
     */
    public OperatorSubtaskState
    {
        sinkTransactions = List.copyOf(sinkTransactions);
    }
}
