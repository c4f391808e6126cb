package dev.riffle.runtime;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.TwoPhaseCommitSink;
import dev.riffle.api.connector.TwoPhaseCommitSinkWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A two-phase-commit sink in memory, for exactly-once tests: prepared batches are held per
 * transaction and become visible in {@link #committed()} only when committed. Survives restarts
 * within the JVM because the sink object is shared by every attempt.
 */
final class TransactionalCollectSink<T> implements TwoPhaseCommitSink<T>
{
    private final Map<String, List<T>> pending = new ConcurrentHashMap<>();
    private final Map<String, List<T>> committed = new ConcurrentHashMap<>();
    private volatile boolean commitWithoutCheckpoints;

    @Override
    public TwoPhaseCommitSinkWriter<T> createWriter(final SinkContext context)
    {
        return new TwoPhaseCommitSinkWriter<>()
        {
            private List<T> buffer = new ArrayList<>();
            private boolean checkpointing;

            @Override
            public List<String> prepareCommit(final long checkpointId)
            {
                checkpointing = true;
                if (buffer.isEmpty())
                {
                    return List.of();
                }
                final String tx = context.subtask() + "@" + checkpointId;
                pending.put(tx, buffer);
                buffer = new ArrayList<>();
                return List.of(tx);
            }

            @Override
            public void write(final T record)
            {
                buffer.add(record);
            }

            @Override
            public void finish()
            {
                if (!checkpointing)
                {
                    committed.put(context.subtask() + "@end", buffer);
                }
            }
        };
    }

    @Override
    public void commit(final List<String> transactions)
    {
        for (final String tx : transactions)
        {
            final List<T> batch = pending.remove(tx);
            if (null == batch && !committed.containsKey(tx))
            {
                throw new IllegalStateException("transaction " + tx + " is neither pending nor committed");
            }
            if (null != batch)
            {
                committed.put(tx, batch);
            }
        }
    }

    @Override
    public void abortUncommitted()
    {
        pending.clear();
    }

    List<T> committed()
    {
        final List<T> all = new ArrayList<>();
        committed.values().forEach(all::addAll);
        return all;
    }

    int transactions()
    {
        return committed.size();
    }
}
