package dev.riffle.api;

import dev.riffle.api.checkpoint.CheckpointConfig;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Configuration of a {@link StreamEnvironment}, in the style of an Aeron {@code Context}: set what you
 * need with the fluent setters, and {@link #conclude()} validates everything once, before any thread
 * starts, so a bad setting fails at start and not at record one million. Not thread-safe; do not
 * change a config after handing it to an environment.
 * <p>
 * Defaults behave on a 2-core machine: backoff idle strategy, no CPU pinning, parallelism 1.
 */
public final class RiffleConfig
{
    /** Default number of key groups, as Flink's default for small jobs. */
    public static final int DEFAULT_MAX_PARALLELISM = 128;
    /** Upper bound for max parallelism (key groups), as in Flink. */
    public static final int UPPER_BOUND_MAX_PARALLELISM = 1 << 15;
    /** Default slots per channel ring. */
    public static final int DEFAULT_CHANNEL_CAPACITY = 1024;
    /** Default records a task processes per input before it looks at the next. */
    public static final int DEFAULT_BATCH_SIZE = 256;

    private int defaultParallelism = 1;
    private int maxParallelism = DEFAULT_MAX_PARALLELISM;
    private int channelCapacity = DEFAULT_CHANNEL_CAPACITY;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Supplier<IdleStrategy> idleStrategySupplier = RiffleConfig::defaultIdleStrategy;
    private int[] cpuAffinity = new int[0];
    private int[] serviceCpuAffinity = new int[0];
    private StateBackendType stateBackend = StateBackendType.OFF_HEAP;
    private Path stateDirectory;
    private final CheckpointConfig checkpointConfig = new CheckpointConfig();
    private boolean concluded;

    /**
     * @return a backoff strategy: spins briefly, yields, then parks from 1 µs up to 1 ms. Safe on 2
     * cores; wakes within a millisecond of new work at worst.
     */
    public static IdleStrategy defaultIdleStrategy()
    {
        return new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
    }

    /**
     * @param parallelism parallelism of operators that do not set their own; at least 1.
     * @return this.
     */
    public RiffleConfig defaultParallelism(final int parallelism)
    {
        this.defaultParallelism = parallelism;
        return this;
    }

    /**
     * @return parallelism of operators that do not set their own.
     */
    public int defaultParallelism()
    {
        return defaultParallelism;
    }

    /**
     * @param maxParallelism number of key groups; the upper bound of any keyed operator's
     *                       parallelism and the unit of state redistribution. 1 to 32768.
     * @return this.
     */
    public RiffleConfig maxParallelism(final int maxParallelism)
    {
        this.maxParallelism = maxParallelism;
        return this;
    }

    /**
     * @return number of key groups.
     */
    public int maxParallelism()
    {
        return maxParallelism;
    }

    /**
     * @param capacity slots per channel ring; a power of two, at least 2. A full ring makes the
     *                 producer wait (backpressure), so this bounds the memory between two tasks.
     * @return this.
     */
    public RiffleConfig channelCapacity(final int capacity)
    {
        this.channelCapacity = capacity;
        return this;
    }

    /**
     * @return slots per channel ring.
     */
    public int channelCapacity()
    {
        return channelCapacity;
    }

    /**
     * @param batchSize records a task takes from one input (or source) before it looks at the
     *                  others; at least 1.
     * @return this.
     */
    public RiffleConfig batchSize(final int batchSize)
    {
        this.batchSize = batchSize;
        return this;
    }

    /**
     * @return records per input per round.
     */
    public int batchSize()
    {
        return batchSize;
    }

    /**
     * @param supplier makes one idle strategy per task thread (strategies keep state, so they are
     *                 not shared). Use {@code BusySpinIdleStrategy::new} only with a core per task.
     * @return this.
     */
    public RiffleConfig idleStrategy(final Supplier<IdleStrategy> supplier)
    {
        this.idleStrategySupplier = supplier;
        return this;
    }

    /**
     * @return the idle strategy supplier.
     */
    public Supplier<IdleStrategy> idleStrategy()
    {
        return idleStrategySupplier;
    }

    /**
     * @param cpus CPUs to pin task threads to, in order of thread start (wrapping round); empty for
     *             no pinning (the default). If pinning is not available on this platform, one warning
     *             is logged and threads run unpinned.
     * @return this.
     */
    public RiffleConfig cpuAffinity(final int... cpus)
    {
        this.cpuAffinity = cpus.clone();
        return this;
    }

    /**
     * @return CPUs to pin to, possibly empty.
     */
    public int[] cpuAffinity()
    {
        return cpuAffinity.clone();
    }

    /**
     * Keeps the job's service threads — the checkpoint control thread and the snapshot thread, which
     * write and force the checkpoint files — off the task threads' cores: both are pinned to this set
     * of CPUs. Task threads without {@link #cpuAffinity} then run where the thread that started the
     * job could run. Empty (the default): no pinning. If pinning is not available on this platform, one
     * warning is logged and threads run unpinned.
     *
     * @param cpus CPUs the service threads may run on.
     * @return this.
     */
    public RiffleConfig serviceCpuAffinity(final int... cpus)
    {
        this.serviceCpuAffinity = cpus.clone();
        return this;
    }

    /**
     * @return CPUs the service threads are pinned to, possibly empty.
     */
    public int[] serviceCpuAffinity()
    {
        return serviceCpuAffinity.clone();
    }

    /**
     * @param type where keyed state lives.
     * @return this.
     */
    public RiffleConfig stateBackend(final StateBackendType type)
    {
        this.stateBackend = type;
        return this;
    }

    /**
     * @return where keyed state lives.
     */
    public StateBackendType stateBackend()
    {
        return stateBackend;
    }

    /**
     * @param directory where file-backed state backends keep their files; null for a temporary
     *                  directory removed when the job ends.
     * @return this.
     */
    public RiffleConfig stateDirectory(final Path directory)
    {
        this.stateDirectory = directory;
        return this;
    }

    /**
     * @return the state directory or null.
     */
    public Path stateDirectory()
    {
        return stateDirectory;
    }

    /**
     * @return checkpointing and recovery settings, changed in place.
     */
    public CheckpointConfig checkpointing()
    {
        return checkpointConfig;
    }

    /**
     * Validates the configuration. Idempotent.
     *
     * @return this.
     * @throws IllegalArgumentException naming the first bad setting.
     */
    public RiffleConfig conclude()
    {
        checkpointConfig.conclude();
        if (defaultParallelism < 1)
        {
            throw new IllegalArgumentException("defaultParallelism must be >= 1: " + defaultParallelism);
        }
        if (maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM)
        {
            throw new IllegalArgumentException(
                "maxParallelism must be in [1, " + UPPER_BOUND_MAX_PARALLELISM + "]: " + maxParallelism);
        }
        if (defaultParallelism > maxParallelism)
        {
            throw new IllegalArgumentException(
                "defaultParallelism " + defaultParallelism + " exceeds maxParallelism " + maxParallelism);
        }
        if (channelCapacity < 2 || Integer.bitCount(channelCapacity) != 1)
        {
            throw new IllegalArgumentException("channelCapacity must be a power of two >= 2: " + channelCapacity);
        }
        if (batchSize < 1)
        {
            throw new IllegalArgumentException("batchSize must be >= 1: " + batchSize);
        }
        Objects.requireNonNull(idleStrategySupplier, "idleStrategy supplier");
        Objects.requireNonNull(stateBackend, "stateBackend");
        requireNoNegativeCpu("cpuAffinity", cpuAffinity);
        requireNoNegativeCpu("serviceCpuAffinity", serviceCpuAffinity);
        concluded = true;
        return this;
    }

    private static void requireNoNegativeCpu(final String setting, final int[] cpus)
    {
        for (final int cpu : cpus)
        {
            if (cpu < 0)
            {
                throw new IllegalArgumentException(setting + " has a negative CPU: " + Arrays.toString(cpus));
            }
        }
    }

    /**
     * @return true once {@link #conclude()} has validated this config.
     */
    public boolean isConcluded()
    {
        return concluded;
    }

    @Override
    public String toString()
    {
        return "RiffleConfig{defaultParallelism=" + defaultParallelism + ", maxParallelism=" + maxParallelism +
            ", channelCapacity=" + channelCapacity + ", batchSize=" + batchSize +
            ", cpuAffinity=" + Arrays.toString(cpuAffinity) +
            ", serviceCpuAffinity=" + Arrays.toString(serviceCpuAffinity) + ", stateBackend=" + stateBackend +
            ", stateDirectory=" + stateDirectory + ", " + checkpointConfig + '}';
    }
}
