package dev.riffle.runtime.operators;

import dev.riffle.api.connector.Sink;
import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;
import dev.riffle.api.connector.TwoPhaseCommitSinkWriter;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.List;

/**
 * Hands records to the {@link SinkWriter} of this instance, created at open.
 */
public final class SinkOperator<T> extends StreamOperator<T, Void>
{
    private final Sink<T> sink;
    private SinkWriter<T> writer;

    public SinkOperator(final OperatorIdentity identity, final AtomicCounter recordsIn, final Sink<T> sink)
    {
        super(identity, recordsIn);
        this.sink = sink;
    }

    @Override
    public void open(final StreamRuntimeContext context) throws Exception
    {
        super.open(context);
        writer = sink.createWriter(new SinkContext(identity.name(), identity.subtask(), identity.parallelism()));
        if (null == writer)
        {
            throw new IllegalStateException(sink.getClass().getName() + ".createWriter returned null");
        }
    }

    @Override
    protected void processElement(final T record) throws Exception
    {
        writer.write(record);
    }

    /**
     * Synchronous phase of a checkpoint.
     *
     * @param checkpointId the checkpoint.
     * @return transactions to commit when it completes; empty for a sink without two-phase commit.
     * @throws Exception if the writer cannot prepare.
     */
    public List<String> prepareCommit(final long checkpointId) throws Exception
    {
        return writer instanceof TwoPhaseCommitSinkWriter<T> twoPhase ? twoPhase.prepareCommit(checkpointId) : List.of();
    }

    @Override
    public void finish() throws Exception
    {
        writer.finish();
    }

    @Override
    public void close() throws Exception
    {
        try
        {
            if (null != writer)
            {
                writer.close();
            }
        }
        finally
        {
            super.close();
        }
    }

    @Override
    protected Object userFunction()
    {
        return sink;
    }
}
