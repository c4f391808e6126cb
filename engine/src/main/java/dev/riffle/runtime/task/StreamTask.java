package dev.riffle.runtime.task;

import dev.riffle.runtime.channel.ChannelWriter;
import dev.riffle.runtime.channel.StopSignal;
import dev.riffle.runtime.channel.StreamSlot;
import dev.riffle.runtime.channel.TaskStoppedException;
import dev.riffle.runtime.checkpoint.CheckpointResponder;
import dev.riffle.runtime.operators.SinkOperator;
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
    private final boolean[] operatorFinished;
    private final StreamRuntimeContext[] contexts;
    private final List<KeyedStateBackend> keyedStates;
    private final ChannelWriter[] outputs;
    private final StopSignal stopSignal;
    private final TaskListener listener;
    private TaskCheckpointer checkpointer;
    private CheckpointResponder responder;
    private int attempt;
    private volatile long requestedBarrier;
    private volatile boolean requestedFinal;
    private long injectedBarrier;
    private boolean awaitingFinalCheckpoint;
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
        this.operatorFinished = new boolean[operators.length];
        this.contexts = contexts.clone();
        this.keyedStates = List.copyOf(keyedStates);
        this.outputs = outputs.clone();
        this.stopSignal = stopSignal;
        this.listener = listener;
    }

    /**
     * Enables checkpoints for this task. Called once, before the task starts.
     *
     * @param checkpointer the task's checkpoint part.
     * @param responder    the coordinator.
     * @param attempt      the execution attempt.
     */
    public void enableCheckpoints(final TaskCheckpointer checkpointer, final CheckpointResponder responder, final int attempt)
    {
        this.checkpointer = checkpointer;
        this.responder = responder;
        this.attempt = attempt;
        if (input instanceof ChannelInput channels)
        {
            channels.barrierListener((checkpointId, isFinal) ->
            {
                if (isFinal)
                {
                    finishOperators(false);
                }
                checkpointer.checkpoint(checkpointId, isFinal);
            });
        }
    }

    /**
     * @return true if this task reads a source.
     */
    public boolean isSourceTask()
    {
        return input instanceof SourceInput;
    }

    /**
     * Asks a source task to inject a checkpoint barrier at its next poll. Called by the coordinator
     * thread; the final flag is written before the id, which the task reads first (volatile), so the
     * task sees the flag of the id it reads.
     *
     * @param checkpointId the checkpoint, greater than any requested before.
     * @param isFinal      true for the final checkpoint.
     */
    public void requestBarrier(final long checkpointId, final boolean isFinal)
    {
        requestedFinal = isFinal;
        requestedBarrier = checkpointId;
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
            if (null != checkpointer && isSourceTask())
            {
                final long requested = requestedBarrier;
                if (requested > injectedBarrier)
                {
                    injectedBarrier = requested;
                    final boolean isFinal = requestedFinal;
                    checkpointer.checkpoint(requested, isFinal);
                    if (isFinal)
                    {
                        finish();
                        throw new AgentTerminationException("end of input");
                    }
                    return 1;
                }
                if (awaitingFinalCheckpoint)
                {
                    return 0;
                }
            }
            final int work = input.poll();
            if (input.isEnded())
            {
                if (null != checkpointer && isSourceTask())
                {
                    finishOperators(false);
                    awaitingFinalCheckpoint = true;
                    responder.sourceEnded(attempt);
                    return work;
                }
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

    /**
     * End of input for the operators, head first: each may still emit to those behind it. With
     * checkpoints, everything but the sinks finishes before the final checkpoint, so that what they
     * emit at the end is covered by it, and the sinks finish after it.
     */
    private void finishOperators(final boolean includeSinks)
    {
        for (int i = 0; i < operators.length; i++)
        {
            final StreamOperator<?, ?> operator = operators[i];
            if (operatorFinished[i] || (!includeSinks && operator instanceof SinkOperator))
            {
                continue;
            }
            operatorFinished[i] = true;
            try
            {
                operator.finish();
            }
            catch (final Throwable t)
            {
                throw operator.identity().failure("finishing", t);
            }
        }
    }

    private void finish()
    {
        finishOperators(true);
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
