package dev.riffle.api.checkpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a job checkpoints and recovers. Mutable while the job is defined, validated by
 * {@link #conclude()} when it starts; not thread-safe.
 */
public final class CheckpointConfig
{
    /**
     * Default number of completed checkpoints kept.
     */
    public static final int DEFAULT_RETAINED = 3;

    private Duration interval;
    private CheckpointingMode mode = CheckpointingMode.EXACTLY_ONCE;
    private Duration timeout = Duration.ofMinutes(1);
    private Duration minPause = Duration.ZERO;
    private int retained = DEFAULT_RETAINED;
    private Path directory;
    private RestartStrategy restartStrategy;
    private StartPoint startPoint = StartPoint.latestCheckpoint();

    /**
     * @return true if a checkpoint interval is set.
     */
    public boolean isEnabled()
    {
        return null != interval;
    }

    /**
     * @param interval time between the starts of two checkpoints, at least 1 ms.
     * @return this.
     */
    public CheckpointConfig interval(final Duration interval)
    {
        this.interval = interval;
        return this;
    }

    /**
     * @return the interval, or null when checkpointing is off.
     */
    public Duration interval()
    {
        return interval;
    }

    /**
     * @param mode exactly-once (default) or at-least-once.
     * @return this.
     */
    public CheckpointConfig mode(final CheckpointingMode mode)
    {
        this.mode = mode;
        return this;
    }

    /**
     * @return the mode.
     */
    public CheckpointingMode mode()
    {
        return mode;
    }

    /**
     * @param timeout a checkpoint not complete after this is aborted (default 1 minute).
     * @return this.
     */
    public CheckpointConfig timeout(final Duration timeout)
    {
        this.timeout = timeout;
        return this;
    }

    /**
     * @return the timeout.
     */
    public Duration timeout()
    {
        return timeout;
    }

    /**
     * @param minPause least time between the end of one checkpoint and the start of the next (default 0).
     * @return this.
     */
    public CheckpointConfig minPauseBetweenCheckpoints(final Duration minPause)
    {
        this.minPause = minPause;
        return this;
    }

    /**
     * @return the minimum pause.
     */
    public Duration minPauseBetweenCheckpoints()
    {
        return minPause;
    }

    /**
     * @param retained completed checkpoints kept on disk, at least 1 (default 3).
     * @return this.
     */
    public CheckpointConfig retainedCheckpoints(final int retained)
    {
        this.retained = retained;
        return this;
    }

    /**
     * @return completed checkpoints kept.
     */
    public int retainedCheckpoints()
    {
        return retained;
    }

    /**
     * @param directory where checkpoints go, {@code <directory>/<job name>/chk-<n>}; required for
     *                  recovery after a process crash. Without it checkpoints go to a temporary
     *                  directory deleted when the JVM exits, which still serves restarts after task
     *                  failures.
     * @return this.
     */
    public CheckpointConfig directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    /**
     * @return the checkpoint directory, or null for a temporary one.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * @param strategy what to do when a task fails; default: none without checkpointing,
     *                 {@link RestartStrategy#defaultWithCheckpointing()} with it.
     * @return this.
     */
    public CheckpointConfig restartStrategy(final RestartStrategy strategy)
    {
        this.restartStrategy = strategy;
        return this;
    }

    /**
     * @return the restart strategy in effect.
     */
    public RestartStrategy restartStrategy()
    {
        if (null != restartStrategy)
        {
            return restartStrategy;
        }
        return isEnabled() ? RestartStrategy.defaultWithCheckpointing() : RestartStrategy.none();
    }

    /**
     * @param startPoint where the job starts (default: the latest completed checkpoint, if any).
     * @return this.
     */
    public CheckpointConfig startPoint(final StartPoint startPoint)
    {
        this.startPoint = startPoint;
        return this;
    }

    /**
     * @return where the job starts.
     */
    public StartPoint startPoint()
    {
        return startPoint;
    }

    /**
     * Validates the settings.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first bad setting.
     */
    public CheckpointConfig conclude()
    {
        Objects.requireNonNull(mode, "checkpointing mode");
        Objects.requireNonNull(startPoint, "start point");
        Objects.requireNonNull(timeout, "checkpoint timeout");
        Objects.requireNonNull(minPause, "min pause between checkpoints");
        if (null != interval && interval.toMillis() < 1)
        {
            throw new IllegalArgumentException("checkpoint interval must be at least 1 ms: " + interval);
        }
        if (timeout.toMillis() < 1)
        {
            throw new IllegalArgumentException("checkpoint timeout must be at least 1 ms: " + timeout);
        }
        if (minPause.isNegative())
        {
            throw new IllegalArgumentException("min pause between checkpoints must not be negative: " + minPause);
        }
        if (retained < 1)
        {
            throw new IllegalArgumentException("retained checkpoints must be at least 1: " + retained);
        }
        return this;
    }

    @Override
    public String toString()
    {
        return "CheckpointConfig{interval=" + interval + ", mode=" + mode + ", timeout=" + timeout +
            ", minPause=" + minPause + ", retained=" + retained + ", directory=" + directory +
            ", restartStrategy=" + restartStrategy() + ", startPoint=" + startPoint + '}';
    }
}
