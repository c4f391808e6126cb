package dev.riffle.runtime;

import dev.riffle.api.JobHandle;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.checkpoint.CheckpointConfig;
import dev.riffle.api.checkpoint.RestartStrategy;
import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.TwoPhaseCommitSink;
import dev.riffle.api.graph.SinkTransformation;
import dev.riffle.api.graph.SourceTransformation;
import dev.riffle.api.graph.Transformation;
import dev.riffle.api.spi.JobExecutor;
import dev.riffle.plan.PhysicalPlan;
import dev.riffle.plan.PhysicalPlanner;
import dev.riffle.plan.PlanNode;
import dev.riffle.runtime.checkpoint.CheckpointCoordinator;
import dev.riffle.runtime.checkpoint.CheckpointStorage;
import dev.riffle.runtime.metrics.JobCounters;
import dev.riffle.state.StateBackend;
import dev.riffle.state.snapshot.CheckpointFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime behind {@code StreamEnvironment.execute}: plans the job, sets up checkpointing, builds
 * the first attempt's tasks and starts one thread per task instance. Registered as a
 * {@link JobExecutor} service.
 */
public final class RiffleJobExecutor implements JobExecutor
{
    private static final System.Logger LOGGER = System.getLogger(RiffleJobExecutor.class.getName());

    @Override
    public JobHandle start(final String jobName, final RiffleConfig config, final List<Transformation<?>> transformations)
    {
        if (!config.isConcluded())
        {
            config.conclude();
        }
        final PhysicalPlan plan = PhysicalPlanner.plan(transformations, config);
        LOGGER.log(System.Logger.Level.DEBUG, () -> "job '" + jobName + "' plan:\n" + plan.describe());

        int instances = 0;
        for (final PlanNode node : plan.nodes())
        {
            instances += node.parallelism();
        }
        final CheckpointConfig checkpointing = config.checkpointing();
        final boolean restarts = checkpointing.restartStrategy() != RestartStrategy.none();
        final JobCounters counters = new JobCounters(2 * instances);
        final StateBackend stateBackend = StateBackend.fromConfig(config);
        final JobThreads threads = JobThreads.create(jobName, config.cpuAffinity(), config.serviceCpuAffinity(),
            checkpointing.isEnabled(), restarts);
        final JobRun[] run = new JobRun[1];
        try
        {
            final CheckpointCoordinator coordinator = checkpointing.isEnabled() ?
                new CheckpointCoordinator(jobName, checkpointing, storage(jobName, checkpointing), threads.control(),
                    config.maxParallelism(), twoPhaseCommitSinks(plan), replayableSources(plan),
                    t -> run[0].failCurrentAttempt(t)) : null;
            run[0] = new JobRun(jobName, config, plan, counters, stateBackend, threads, coordinator);
        }
        catch (final IOException ex)
        {
            shutdown(threads, stateBackend);
            throw new UncheckedIOException("cannot open the checkpoint directory of job '" + jobName + "': " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            shutdown(threads, stateBackend);
            throw ex;
        }
        run[0].start();
        return run[0];
    }

    private static CheckpointStorage storage(final String jobName, final CheckpointConfig checkpointing)
        throws IOException
    {
        Path directory = checkpointing.directory();
        if (null == directory)
        {
            final Path temporary = Files.createTempDirectory("riffle-checkpoints-");
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
            {
                try
                {
                    CheckpointFiles.deleteRecursively(temporary);
                }
                catch (final IOException ignore)
                {
                    // best effort at exit
                }
            }, "riffle-checkpoint-cleanup"));
            directory = temporary;
        }
        return new CheckpointStorage(directory, jobName, checkpointing.retainedCheckpoints());
    }

    private static Map<Integer, TwoPhaseCommitSink<?>> twoPhaseCommitSinks(final PhysicalPlan plan)
    {
        final Map<Integer, TwoPhaseCommitSink<?>> sinks = new HashMap<>();
        for (final PlanNode node : plan.nodes())
        {
            if (node.transformation() instanceof SinkTransformation<?> sink && sink.sink() instanceof TwoPhaseCommitSink<?> s)
            {
                sinks.put(node.id(), s);
            }
        }
        return sinks;
    }

    private static Map<Integer, ReplayableSource<?>> replayableSources(final PhysicalPlan plan)
    {
        final Map<Integer, ReplayableSource<?>> sources = new HashMap<>();
        for (final PlanNode node : plan.nodes())
        {
            if (node.transformation() instanceof SourceTransformation<?> source &&
                source.source() instanceof ReplayableSource<?> s)
            {
                sources.put(node.id(), s);
            }
        }
        return sources;
    }

    private static void shutdown(final JobThreads threads, final StateBackend stateBackend)
    {
        if (null != threads.control())
        {
            threads.control().shutdownNow();
        }
        if (null != threads.snapshots())
        {
            threads.snapshots().shutdownNow();
        }
        stateBackend.close();
    }
}
