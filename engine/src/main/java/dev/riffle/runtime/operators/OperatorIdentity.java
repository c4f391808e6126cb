package dev.riffle.runtime.operators;

import dev.riffle.runtime.channel.TaskStoppedException;

/**
 * Which operator instance this is.
 *
 * @param operatorId     id of the operator within its job.
 * @param name           operator name.
 * @param subtask        0-based instance index.
 * @param parallelism    number of instances.
 * @param maxParallelism the job's number of key groups.
 */
public record OperatorIdentity(int operatorId, String name, int subtask, int parallelism, int maxParallelism)
{
    /**
     * Names this instance on an exception, unless it already names one or is a stop signal.
     *
     * @param phase what was being done.
     * @param t     what was thrown.
     * @return the exception to propagate.
     */
    public RuntimeException failure(final String phase, final Throwable t)
    {
        if (t instanceof OperatorFailure || t instanceof TaskStoppedException)
        {
            return (RuntimeException)t;
        }
        return new OperatorFailure(name, subtask, parallelism, phase, t);
    }

    @Override
    public String toString()
    {
        return name + " (" + (subtask + 1) + '/' + parallelism + ')';
    }
}
