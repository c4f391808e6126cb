package dev.riffle.runtime.channel;

/**
 * Tells code that waits on a channel (a producer facing a full ring) that its task must stop.
 * Implementations read a volatile flag; called between idle periods, never per record.
 */
@FunctionalInterface
public interface StopSignal
{
    /**
     * @return true once the task has to stop (job cancelled or failed elsewhere).
     */
    boolean isStopRequested();
}
