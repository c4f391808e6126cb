package dev.riffle.api.connector;

import java.util.List;

/**
 * A sink whose output becomes visible only when a checkpoint that covers it completes: the
 * exactly-once end of a pipeline. Each checkpoint's synchronous phase asks every writer to
 * {@linkplain TwoPhaseCommitSinkWriter#prepareCommit(long) prepare} what it wrote since the previous
 * one (durable, invisible); once the checkpoint is complete, the runtime {@linkplain #commit commits}
 * the prepared transactions. A transaction is an opaque string the sink chooses (a file name, say).
 * <p>
 * Without checkpointing, the writers behave as plain {@link SinkWriter}s: {@code finish} makes
 * everything visible.
 * <p>
 * Threads: writers are used by their task thread only; {@link #commit} and
 * {@link #abortUncommitted()} are called by the job's coordinator thread, never concurrently with
 * each other, and never while a writer of the same job is open for {@link #abortUncommitted()}.
 *
 * @param <T> record type.
 */
public interface TwoPhaseCommitSink<T> extends Sink<T>
{
    @Override
    TwoPhaseCommitSinkWriter<T> createWriter(SinkContext context) throws Exception;

    /**
     * Makes prepared transactions visible. Idempotent: a transaction that is already committed is
     * skipped, because after a crash the runtime commits the transactions of the latest completed
     * checkpoint again.
     *
     * @param transactions transactions returned by {@code prepareCommit} for one completed checkpoint.
     * @throws Exception if a transaction can neither be committed nor found committed: its data is
     *                   lost, and the exception says which.
     */
    void commit(List<String> transactions) throws Exception;

    /**
     * Discards everything written that is neither committed nor about to be: called once before the
     * writers of a (re)started job are created, after the restored checkpoint's transactions have been
     * committed. Afterwards only committed output remains.
     *
     * @throws Exception if leftovers cannot be removed.
     */
    void abortUncommitted() throws Exception;
}
