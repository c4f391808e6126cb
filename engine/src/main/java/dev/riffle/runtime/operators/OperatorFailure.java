package dev.riffle.runtime.operators;

/**
 * A user function or connector threw: names the operator and its parallel instance, and carries the
 * user's exception as cause. Thrown once at the failing operator and passed through unchanged by the
 * operators chained before it.
 */
public final class OperatorFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String operatorName;
    private final int subtask;

    /**
     * @param operatorName failing operator.
     * @param subtask      0-based instance index.
     * @param parallelism  number of instances.
     * @param phase        what the operator was doing, e.g. "processing a record", "open".
     * @param cause        the user's exception.
     */
    public OperatorFailure(
        final String operatorName, final int subtask, final int parallelism, final String phase, final Throwable cause)
    {
        super("operator '" + operatorName + "' (" + (subtask + 1) + '/' + parallelism + ") failed " + phase + ": " +
            cause, cause);
        this.operatorName = operatorName;
        this.subtask = subtask;
    }

    /**
     * @return name of the failing operator.
     */
    public String operatorName()
    {
        return operatorName;
    }

    /**
     * @return 0-based instance index of the failing operator.
     */
    public int subtask()
    {
        return subtask;
    }
}
