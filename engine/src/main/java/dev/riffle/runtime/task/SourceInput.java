package dev.riffle.runtime.task;

import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.Source;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.connector.SourceReader;
import dev.riffle.api.functions.Collector;
import dev.riffle.runtime.checkpoint.OperatorSubtaskState;
import dev.riffle.runtime.operators.OperatorIdentity;

/**
 * Input of a source task: polls the instance's {@link SourceReader} for a batch at a time into the
 * source's output (the chained operators and channels behind it).
 */
public final class SourceInput implements TaskInput
{
    private final Source<Object> source;
    private final OperatorIdentity identity;
    private final Collector<Object> output;
    private final int batchSize;
    private final long restoredPosition;
    private SourceReader<Object> reader;
    private boolean ended;

    /**
     * @param source    the user's source.
     * @param identity  which instance of it this is.
     * @param output    where its records go.
     * @param batchSize maximum records per poll.
     * @param restoredPosition position to resume at, or {@link OperatorSubtaskState#NO_POSITION} to start.
     */
    public SourceInput(
        final Source<Object> source,
        final OperatorIdentity identity,
        final Collector<Object> output,
        final int batchSize,
        final long restoredPosition)
    {
        this.restoredPosition = restoredPosition;
        this.source = source;
        this.identity = identity;
        this.output = output;
        this.batchSize = batchSize;
    }

    @Override
    public void open() throws Exception
    {
        try
        {
            final SourceContext context = new SourceContext(identity.name(), identity.subtask(), identity.parallelism());
            reader = restoredPosition != OperatorSubtaskState.NO_POSITION && source instanceof ReplayableSource<Object> r ?
                r.createReader(context, restoredPosition) : source.createReader(context);
        }
        catch (final Throwable t)
        {
            throw identity.failure("opening", t);
        }
        if (null == reader)
        {
            throw identity.failure("opening", new IllegalStateException(
                source.getClass().getName() + ".createReader returned null"));
        }
    }

    @Override
    public int poll()
    {
        final int emitted;
        try
        {
            emitted = reader.poll(output, batchSize);
        }
        catch (final Throwable t)
        {
            throw identity.failure("reading", t);
        }
        if (emitted == SourceReader.END_OF_INPUT)
        {
            ended = true;
            return 1;
        }
        if (emitted < 0)
        {
            throw identity.failure("reading", new IllegalStateException("poll returned " + emitted));
        }
        return emitted;
    }

    /**
     * @return the reader's position if it can replay, else {@link OperatorSubtaskState#NO_POSITION}.
     */
    public long position()
    {
        return reader instanceof ReplayableSourceReader<Object> r ? r.position() : OperatorSubtaskState.NO_POSITION;
    }

    @Override
    public boolean isEnded()
    {
        return ended;
    }

    @Override
    public void close() throws Exception
    {
        if (null != reader)
        {
            reader.close();
        }
    }
}
