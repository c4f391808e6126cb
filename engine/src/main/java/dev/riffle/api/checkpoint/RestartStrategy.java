package dev.riffle.api.checkpoint;

import java.time.Duration;
import java.util.Objects;

/**
 * What the job does when a task fails: give up, or restore the latest completed checkpoint and run
 * again after a delay. Immutable.
 */
public sealed interface RestartStrategy
{
    /**
     * @return a strategy that fails the job on the first failure.
     */
    static RestartStrategy none()
    {
        return NoRestart.INSTANCE;
    }

    /**
     * @param attempts how many restarts before the job fails, at least 1.
     * @param delay    wait before each restart, not negative.
     * @return the strategy.
     */
    static RestartStrategy fixedDelay(final int attempts, final Duration delay)
    {
        return new FixedDelay(attempts, delay);
    }

    /**
     * @param initialDelay wait before the first restart, positive.
     * @param maxDelay     the delay doubles (times {@code multiplier}) up to this.
     * @param multiplier   growth of the delay, at least 1.
     * @param attempts     how many restarts before the job fails, at least 1
     *                     ({@link Integer#MAX_VALUE} for no limit).
     * @return the strategy.
     */
    static RestartStrategy exponentialDelay(
        final Duration initialDelay, final Duration maxDelay, final double multiplier, final int attempts)
    {
        return new ExponentialDelay(initialDelay, maxDelay, multiplier, attempts);
    }

    /**
     * The default when checkpointing is on: 100 ms doubling up to 10 s, without limit, as Flink.
     *
     * @return the strategy.
     */
    static RestartStrategy defaultWithCheckpointing()
    {
        return exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, Integer.MAX_VALUE);
    }

    /**
     * @param failures number of failures so far, 1 for the first.
     * @return the delay before restart number {@code failures}, or null to give up.
     */
    Duration delayBeforeRestart(int failures);

    /**
     * Fail on the first failure.
     */
    enum NoRestart implements RestartStrategy
    {
        /**
         * The one instance.
         */
        INSTANCE;

        @Override
        public Duration delayBeforeRestart(final int failures)
        {
            return null;
        }
    }

    /**
     * A fixed delay between a bounded number of restarts.
     *
     * @param attempts restarts allowed.
     * @param delay    delay before each.
     */
    record FixedDelay(int attempts, Duration delay) implements RestartStrategy
    {
        /**
         * Validates.
         */
        public FixedDelay
        {
            Objects.requireNonNull(delay, "delay");
            if (attempts < 1 || delay.isNegative())
            {
                throw new IllegalArgumentException("fixed delay restart needs attempts >= 1 and a delay >= 0: " +
                    attempts + ", " + delay);
            }
        }

        @Override
        public Duration delayBeforeRestart(final int failures)
        {
            return failures <= attempts ? delay : null;
        }
    }

    /**
     * A delay growing by a factor from restart to restart, up to a maximum.
     *
     * @param initialDelay first delay.
     * @param maxDelay     largest delay.
     * @param multiplier   growth factor.
     * @param attempts     restarts allowed.
     */
    record ExponentialDelay(Duration initialDelay, Duration maxDelay, double multiplier, int attempts)
        implements RestartStrategy
    {
        /**
         * Validates.
         */
        public ExponentialDelay
        {
            Objects.requireNonNull(initialDelay, "initialDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
            if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0 ||
                !(multiplier >= 1.0) || attempts < 1)
            {
                throw new IllegalArgumentException("exponential delay restart needs 0 < initialDelay <= maxDelay, " +
                    "multiplier >= 1 and attempts >= 1: " + this);
            }
        }

        @Override
        public Duration delayBeforeRestart(final int failures)
        {
            if (failures > attempts)
            {
                return null;
            }
            final double nanos = initialDelay.toNanos() * Math.pow(multiplier, failures - 1);
            return nanos >= maxDelay.toNanos() ? maxDelay : Duration.ofNanos((long)nanos);
        }
    }
}
