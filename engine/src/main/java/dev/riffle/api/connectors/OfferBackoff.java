package dev.riffle.api.connectors;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * How a host thread waits for room in an ingress: spin briefly, then yield, then park from 1 µs
 * growing to 1 ms — never a hot spin, and the ingress is re-checked (closed, job gone) between
 * attempts. Used only once the first attempt found no room, so the fast path allocates nothing.
 */
final class OfferBackoff
{
    private static final long SPINS = 100;
    private static final long YIELDS = 10;
    private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * One more try to enter a record.
     */
    @FunctionalInterface
    interface Attempt
    {
        /**
         * @return true if the record is in.
         */
        boolean tryOnce();
    }

    private OfferBackoff()
    {
    }

    /**
     * @return a fresh idle strategy of this backoff, e.g. to wait for offers in flight.
     */
    static IdleStrategy idleStrategy()
    {
        return new BackoffIdleStrategy(SPINS, YIELDS, MIN_PARK_NANOS, MAX_PARK_NANOS);
    }

    /**
     * Retries until the record is in or the timeout expires.
     *
     * @param attempt      enters the record if there is room.
     * @param checkOpen    throws {@link IllegalStateException} if the ingress can no longer take records.
     * @param timeoutNanos longest wait, or negative for no limit.
     * @param what         the ingress, for the interruption message.
     * @return true if the record is in, false on timeout.
     * @throws InterruptedException if the thread is interrupted while waiting.
     */
    static boolean await(final Attempt attempt, final Runnable checkOpen, final long timeoutNanos, final String what)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        final IdleStrategy idle = idleStrategy();
        while (true)
        {
            if (Thread.interrupted())
            {
                throw new InterruptedException("interrupted while waiting for room in the " + what);
            }
            idle.idle();
            checkOpen.run();
            if (attempt.tryOnce())
            {
                return true;
            }
            if (timeoutNanos > 0 && System.nanoTime() - deadline >= 0)
            {
                return false;
            }
        }
    }
}
