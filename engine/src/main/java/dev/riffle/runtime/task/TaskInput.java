package dev.riffle.runtime.task;

/**
 * Where a task's records come from: a source reader or the channels from upstream tasks. Called only
 * by the task thread.
 */
public interface TaskInput extends AutoCloseable
{
    /**
     * Prepares the input; called once on the task thread after the operators are open.
     *
     * @throws Exception on failure; fails the task.
     */
    void open() throws Exception;

    /**
     * Processes up to one batch of input through the task's operators.
     *
     * @return amount of work done; 0 lets the idle strategy back off.
     * @throws Exception whatever an operator threw.
     */
    int poll() throws Exception;

    /**
     * @return true once every record of the input has been processed.
     */
    boolean isEnded();

    /**
     * Releases the input's resources; called once, whatever happened before.
     *
     * @throws Exception on failure; reported, never hides an earlier failure.
     */
    @Override
    void close() throws Exception;
}
