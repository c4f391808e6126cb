package dev.riffle.runtime.operators;

import dev.riffle.api.functions.AbstractRichFunction;
import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.RichFunction;
import dev.riffle.runtime.channel.TaskStoppedException;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One parallel instance of an operator inside a task. Called only by its task's thread: open, then
 * {@link #process(Object)} per record, then {@link #finish()} at end of input, then always
 * {@link #close()}.
 *
 * @param <IN>  input record type.
 * @param <OUT> output record type.
 */
public abstract class StreamOperator<IN, OUT>
{
    protected final OperatorIdentity identity;
    private final AtomicCounter recordsIn;
    protected Collector<OUT> output;

    protected StreamOperator(final OperatorIdentity identity, final AtomicCounter recordsIn)
    {
        this.identity = identity;
        this.recordsIn = recordsIn;
    }

    /**
     * @return which instance this is.
     */
    public OperatorIdentity identity()
    {
        return identity;
    }

    /**
     * Wires where this operator's records go; called once before {@link #open(StreamRuntimeContext)}.
     *
     * @param output the counting output of this operator.
     */
    @SuppressWarnings("unchecked")
    public void output(final Collector<?> output)
    {
        this.output = (Collector<OUT>)output;
    }

    /**
     * Processes one record, naming this operator on any exception it or its user function throws.
     *
     * @param record the record.
     */
    public final void process(final IN record)
    {
        recordsIn.incrementRelease();
        try
        {
            processElement(record);
        }
        catch (final OperatorFailure | TaskStoppedException ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new OperatorFailure(identity.name(), identity.subtask(), identity.parallelism(), "processing a record", t);
        }
    }

    /**
     * @param record the record.
     * @throws Exception whatever the user function throws.
     */
    protected abstract void processElement(IN record) throws Exception;

    /**
     * Opens the user function.
     *
     * @param context runtime context given to rich functions.
     * @throws Exception whatever the user function throws.
     */
    public void open(final StreamRuntimeContext context) throws Exception
    {
        if (userFunction() instanceof AbstractRichFunction base)
        {
            base.setRuntimeContext(context);
        }
        if (userFunction() instanceof RichFunction rich)
        {
            rich.open(context);
        }
    }

    /**
     * End of input: emit anything buffered. The default does nothing.
     *
     * @throws Exception on failure.
     */
    public void finish() throws Exception
    {
    }

    /**
     * Releases resources; called once after finish, failure or cancellation.
     *
     * @throws Exception on failure.
     */
    public void close() throws Exception
    {
        if (userFunction() instanceof RichFunction rich)
        {
            rich.close();
        }
    }

    /**
     * @return the user function, or null for operators without one.
     */
    protected abstract Object userFunction();

    @Override
    public String toString()
    {
        return identity.toString();
    }
}
