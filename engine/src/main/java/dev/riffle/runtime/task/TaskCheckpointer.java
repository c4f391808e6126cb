package dev.riffle.runtime.task;

import dev.riffle.runtime.channel.ChannelWriter;
import dev.riffle.runtime.channel.StreamSlot;
import dev.riffle.runtime.checkpoint.CheckpointResponder;
import dev.riffle.runtime.checkpoint.OperatorSubtaskState;
import dev.riffle.runtime.operators.OperatorIdentity;
import dev.riffle.runtime.operators.SinkOperator;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * A task instance's part of a checkpoint. On the task thread, at the barrier: capture source
 * position, keyed state (the backend's synchronous phase) and sink transactions, then forward the
 * barrier on every output channel, in order with the data. On the snapshot thread: write the
 * captured state and acknowledge. The task thread never waits for disk.
 */
public final class TaskCheckpointer
{
    private final int attempt;
    private final List<Participant> participants;
    private final SourceInput source;
    private final ChannelWriter[] outputs;
    private final CheckpointResponder responder;
    private final Executor snapshotThread;
    private final LongSupplier lastCommittedCheckpoint;
    private final List<List<PreparedTransactions>> carried;

    /**
     * Transactions a sink prepared for a checkpoint, kept until a checkpoint at least as recent has
     * been committed: if their own checkpoint is aborted, the next one carries them.
     */
    private record PreparedTransactions(long checkpointId, List<String> transactions)
    {
    }

    /**
     * An operator of the task that has something to checkpoint.
     *
     * @param identity   which operator instance.
     * @param keyedState its keyed state, or null.
     * @param sink       its sink operator if it is a sink, or null.
     * @param isSource   true for the task's source.
     */
    public record Participant(OperatorIdentity identity, KeyedStateBackend keyedState, SinkOperator<?> sink,
        boolean isSource)
    {
    }

    /**
     * @param attempt        execution attempt of the task.
     * @param participants   operators with state, source position or sink transactions.
     * @param source         the task's source input, or null.
     * @param outputs        every output channel of the task.
     * @param responder      the coordinator.
     * @param snapshotThread runs the asynchronous part.
     * @param lastCommittedCheckpoint id of the latest checkpoint whose transactions are committed
     *                       (read with volatile semantics from the coordinator).
     */
    public TaskCheckpointer(
        final int attempt,
        final List<Participant> participants,
        final SourceInput source,
        final ChannelWriter[] outputs,
        final CheckpointResponder responder,
        final Executor snapshotThread,
        final LongSupplier lastCommittedCheckpoint)
    {
        this.lastCommittedCheckpoint = lastCommittedCheckpoint;
        this.carried = new ArrayList<>();
        for (int i = 0; i < participants.size(); i++)
        {
            carried.add(new ArrayList<>());
        }
        this.attempt = attempt;
        this.participants = List.copyOf(participants);
        this.source = source;
        this.outputs = outputs.clone();
        this.responder = responder;
        this.snapshotThread = snapshotThread;
    }

    /**
     * Takes the task's part of checkpoint {@code checkpointId} and forwards the barrier. On the task
     * thread.
     *
     * @param checkpointId the checkpoint.
     * @param isFinal      true for the final checkpoint (end of input follows).
     * @throws Exception if a sink cannot prepare its transactions; fails the task.
     */
    public void checkpoint(final long checkpointId, final boolean isFinal) throws Exception
    {
        final int n = participants.size();
        final long[] positions = new long[n];
        final List<List<String>> transactions = new ArrayList<>(n);
        final KeyedStateSnapshot[] snapshots = new KeyedStateSnapshot[n];
        for (int i = 0; i < n; i++)
        {
            final Participant p = participants.get(i);
            positions[i] = p.isSource() && null != source ? source.position() : OperatorSubtaskState.NO_POSITION;
            if (null != p.keyedState())
            {
                snapshots[i] = p.keyedState().snapshot(checkpointId);
            }
            List<String> txs = List.of();
            if (null != p.sink())
            {
                try
                {
                    txs = carryOver(i, checkpointId, p.sink().prepareCommit(checkpointId));
                }
                catch (final Throwable t)
                {
                    throw p.identity().failure("preparing checkpoint " + checkpointId, t);
                }
            }
            transactions.add(txs);
        }
        for (final ChannelWriter output : outputs)
        {
            output.writeControl(StreamSlot.BARRIER, isFinal ? 1 : 0, checkpointId);
        }
        snapshotThread.execute(() -> writeAndAcknowledge(checkpointId, positions, transactions, snapshots));
    }

    /**
     * The transactions checkpoint {@code checkpointId} must commit: its own, plus those prepared for
     * earlier checkpoints that were aborted and so never committed. Commit is idempotent, so listing
     * one twice is harmless; forgetting one would lose its records.
     */
    private List<String> carryOver(final int participant, final long checkpointId, final List<String> prepared)
    {
        final List<PreparedTransactions> pending = carried.get(participant);
        final long committed = lastCommittedCheckpoint.getAsLong();
        pending.removeIf(p -> p.checkpointId() <= committed);
        final List<String> all = new ArrayList<>();
        for (final PreparedTransactions p : pending)
        {
            all.addAll(p.transactions());
        }
        all.addAll(prepared);
        if (!prepared.isEmpty())
        {
            pending.add(new PreparedTransactions(checkpointId, prepared));
        }
        return all;
    }

    private void writeAndAcknowledge(
        final long checkpointId,
        final long[] positions,
        final List<List<String>> transactions,
        final KeyedStateSnapshot[] snapshots)
    {
        int next = 0;
        try
        {
            final Path directory = responder.directoryOf(checkpointId);
            final List<OperatorSubtaskState> states = new ArrayList<>(participants.size());
            for (; next < participants.size(); next++)
            {
                final OperatorIdentity id = participants.get(next).identity();
                KeyedStateHandle handle = null;
                if (null != snapshots[next])
                {
                    final KeyedStateSnapshot snapshot = snapshots[next];
                    snapshots[next] = null; // written, or failed writing: not to be discarded
                    handle = snapshot.write(directory, "op-" + id.operatorId() + '-' + id.subtask());
                }
                states.add(new OperatorSubtaskState(id.operatorId(), id.name(), id.subtask(), id.parallelism(),
                    positions[next], transactions.get(next), handle));
            }
            responder.acknowledge(attempt, checkpointId, states);
        }
        catch (final Throwable t)
        {
            discardUnwritten(snapshots, next, t);
            responder.decline(attempt, checkpointId, t);
        }
    }

    /**
     * The checkpoint failed before the snapshots from {@code from} on were written: each is discarded,
     * so that none keeps what it holds (a closed store's pages, a copy of the state) for a checkpoint
     * that will not complete. A discard's own failure is added to the checkpoint's.
     */
    private static void discardUnwritten(final KeyedStateSnapshot[] snapshots, final int from, final Throwable failure)
    {
        for (int i = from; i < snapshots.length; i++)
        {
            if (null != snapshots[i])
            {
                try
                {
                    snapshots[i].discard();
                }
                catch (final Throwable t)
                {
                    failure.addSuppressed(t);
                }
            }
        }
    }
}
