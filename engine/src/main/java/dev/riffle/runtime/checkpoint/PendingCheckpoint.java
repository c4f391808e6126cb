package dev.riffle.runtime.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A triggered checkpoint collecting acknowledgements. Confined to the coordinator thread.
 */
final class PendingCheckpoint
{
    final long checkpointId;
    final int attempt;
    final Path directory;
    final long triggeredNanos;
    final long timestampMillis;
    final boolean savepoint;
    final boolean isFinal;
    final CompletableFuture<Path> completion;
    private final int expectedAcks;
    private final List<OperatorSubtaskState> states = new ArrayList<>();
    private int acks;

    PendingCheckpoint(
        final long checkpointId,
        final int attempt,
        final Path directory,
        final int expectedAcks,
        final boolean savepoint,
        final boolean isFinal)
    {
        this.checkpointId = checkpointId;
        this.attempt = attempt;
        this.directory = directory;
        this.expectedAcks = expectedAcks;
        this.savepoint = savepoint;
        this.isFinal = isFinal;
        this.triggeredNanos = System.nanoTime();
        this.timestampMillis = System.currentTimeMillis();
        this.completion = new CompletableFuture<>();
    }

    /**
     * @return true once every task instance acknowledged.
     */
    boolean acknowledge(final List<OperatorSubtaskState> taskStates)
    {
        states.addAll(taskStates);
        return ++acks == expectedAcks;
    }

    List<OperatorSubtaskState> states()
    {
        return states;
    }

    @Override
    public String toString()
    {
        return (savepoint ? "savepoint " : isFinal ? "final checkpoint " : "checkpoint ") + checkpointId +
            " (" + acks + '/' + expectedAcks + " acks)";
    }
}
