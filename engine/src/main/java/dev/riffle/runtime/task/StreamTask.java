package dev.riffle.runtime.task;

import dev.riffle.runtime.channel.ChannelWriter;
import dev.riffle.runtime.channel.StopSignal;
import dev.riffle.runtime.channel.StreamSlot;
import dev.riffle.runtime.channel.TaskStoppedException;
import dev.riffle.runtime.operators.StreamOperator;
import dev.riffle.runtime.operators.StreamRuntimeContext;
import dev.riffle.state.KeyedStateBackend;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

import java.util.List;

/**
 * One parallel instance of a task: its input, its chain of operators and the channels it writes.
 * An Agrona {@link Agent}, so it runs on its own thread under an {@code AgentRunner} or is driven by
 * the caller with an {@code AgentInvoker}; either way every method is called by one thread.
 * <p>
 * Lifecycle: {@link #onStart()} opens the operators (last first, so consumers are ready before
 * producers emit) and the input; {@link #doWork()} polls the input; at the end of the input the
 * operators are finished head first (each may still emit to the ones behind it), end of input is
 * sent on every output channel, and the agent terminates. A failure anywhere, or a stop requested
 * by the job, terminates it too; {@link #onClose()} then always closes input, operators and state,
 * and tells the {@link TaskListener}.
 */
public final class StreamTask implements Agent
{
    private final String roleName;
    private final TaskInput input;
    private final StreamOperator<?, ?>[] operators;
    private final StreamRuntimeContext[] contexts;
    private final List<KeyedStateBackend> keyedStates;
    private final ChannelWriter[] outputs;
    private final StopSignal stopSignal;
    private final TaskListener listener;
    private boolean finished;
    private boolean failed;

    /**
     * @param roleName    thread and log name, e.g. {@code "Source -> Map (1/2)"}.
     * @param input       the task's input.
     * @param operators   every operator but a source, head first, each after its input.
     * @param contexts    runtime context of each operator, same order.
     * @param keyedStates keyed state backends to close with the task.
     * @param outputs     every channel this task writes.
     * @param stopSignal  the job's stop request.
     * @param listener    told when the task ends.
     */
    public StreamTask(
        final String roleName,
        final TaskInput input,
        final StreamOperator<?, ?>[] operators,
        final StreamRuntimeContext[] contexts,
        final List<KeyedStateBackend> keyedStates,
        final ChannelWriter[] outputs,
        final StopSignal stopSignal,
        final TaskListener listener)
    {
        this.roleName = roleName;
        this.input = input;
        this.operators = operators.clone();
        this.contexts = contexts.clone();
        this.keyedStates = List.copyOf(keyedStates);
        this.outputs = outputs.clone();
        this.stopSignal = stopSignal;
        this.listener = listener;
    }

    @Override
    public void onStart()
    {
        try
        {
            for (int i = operators.length - 1; i >= 0; i--)
            {
                try
                {
                    operators[i].open(contexts[i]);
                }
                catch (final Throwable t)
                {
                    throw operators[i].identity().failure("opening", t);
                }
            }
            input.open();
        }
        catch (final Throwable t)
        {
            fail(t);
            throw new AgentTerminationException("task failed to start: " + roleName);
        }
    }

    @Override
    public int doWork()
    {
        if (stopSignal.isStopRequested())
        {
            throw new AgentTerminationException("stop requested");
        }
        try
        {
            final int work = input.poll();
            if (input.isEnded())
            {
                finish();
                throw new AgentTerminationException("end of input");
            }
            return work;
        }
        catch (final AgentTerminationException ex)
        {
            throw ex;
        }
        catch (final TaskStoppedException ex)
        {
            throw new AgentTerminationException("stop requested");
        }
        catch (final Throwable t)
        {
            fail(t);
            throw new AgentTerminationException("task failed");
        }
    }

    @Override
    public void onClose()
    {
        try
        {
            closeQuietly(input);
            for (final StreamOperator<?, ?> operator : operators)
            {
                try
                {
                    operator.close();
                }
                catch (final Throwable t)
                {
                    if (!finished || failed)
                    {
                        continue;
                    }
                    fail(operator.identity().failure("closing", t));
                }
            }
            for (final KeyedStateBackend state : keyedStates)
            {
                closeQuietly(state);
            }
        }
        finally
        {
            listener.taskTerminated(this);
        }
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    /**
     * @return true if the task processed its whole input and finished its operators.
     */
    public boolean isFinished()
    {
        return finished;
    }

    private void finish()
    {
        for (final StreamOperator<?, ?> operator : operators)
        {
            try
            {
                operator.finish();
            }
            catch (final Throwable t)
            {
                throw operator.identity().failure("finishing", t);
            }
        }
        for (final ChannelWriter output : outputs)
        {
            output.writeControl(StreamSlot.END_OF_INPUT, Long.MIN_VALUE, 0);
        }
        finished = true;
    }

    private void fail(final Throwable t)
    {
        if (!failed)
        {
            failed = true;
            listener.taskFailed(this, t);
        }
    }

    private void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Throwable t)
        {
            if (finished && !failed)
            {
                fail(t);
            }
        }
    }

    @Override
    public String toString()
    {
        return roleName;
    }
}
