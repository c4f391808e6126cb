package dev.riffle.runtime.checkpoint;

import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.TwoPhaseCommitSink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a completed (or restored) checkpoint tells the job's connectors: two-phase-commit sinks commit
 * the transactions it recorded, replayable sources learn which positions are committed (a journaled
 * ingress may then drop what lies before). Coordinator thread only.
 */
final class CheckpointCommitter
{
    private static final System.Logger LOGGER = System.getLogger(CheckpointCommitter.class.getName());

    private final Map<Integer, TwoPhaseCommitSink<?>> sinks;
    private final Map<Integer, ReplayableSource<?>> sources;

    /**
     * @param sinks   two-phase-commit sinks by operator id.
     * @param sources replayable sources by operator id.
     */
    CheckpointCommitter(final Map<Integer, TwoPhaseCommitSink<?>> sinks, final Map<Integer, ReplayableSource<?>> sources)
    {
        this.sinks = Map.copyOf(sinks);
        this.sources = Map.copyOf(sources);
    }

    /**
     * Commits the sink transactions a checkpoint recorded; commit is idempotent, so a restored
     * checkpoint's transactions are committed again.
     *
     * @throws Exception if a sink fails to commit: the job must restart and commit again.
     */
    @SuppressWarnings("unchecked")
    void commitTransactions(final CheckpointMetadata metadata) throws Exception
    {
        for (final Map.Entry<Integer, TwoPhaseCommitSink<?>> sink : sinks.entrySet())
        {
            final List<String> transactions = new ArrayList<>();
            for (final OperatorSubtaskState state : metadata.statesOf(sink.getKey()))
            {
                transactions.addAll(state.sinkTransactions());
            }
            if (!transactions.isEmpty())
            {
                ((TwoPhaseCommitSink<Object>)sink.getValue()).commit(transactions);
            }
        }
    }

    /**
     * Discards every sink's uncommitted leftovers, before an attempt starts from a checkpoint (or fresh).
     *
     * @throws Exception if a sink cannot clean up.
     */
    void abortUncommitted() throws Exception
    {
        for (final TwoPhaseCommitSink<?> sink : sinks.values())
        {
            sink.abortUncommitted();
        }
    }

    /**
     * Tells the sources their committed positions; a source that fails to act on it is logged, not fatal
     * (it keeps data it could have dropped).
     */
    void notifySources(final CheckpointMetadata metadata)
    {
        for (final Map.Entry<Integer, ReplayableSource<?>> source : sources.entrySet())
        {
            for (final OperatorSubtaskState state : metadata.statesOf(source.getKey()))
            {
                if (state.sourcePosition() != OperatorSubtaskState.NO_POSITION)
                {
                    try
                    {
                        source.getValue().positionCommitted(state.subtask(), state.sourcePosition());
                    }
                    catch (final RuntimeException ex)
                    {
                        LOGGER.log(System.Logger.Level.WARNING, "source '" + state.operatorName() +
                            "' failed to release data before position " + state.sourcePosition() + ": " + ex);
                    }
                }
            }
        }
    }
}
