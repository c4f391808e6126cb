package dev.riffle.runtime;

import dev.riffle.api.JobHandle;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.graph.Transformation;
import dev.riffle.api.spi.JobExecutor;
import dev.riffle.plan.PhysicalPlan;
import dev.riffle.plan.PhysicalPlanner;
import dev.riffle.plan.PlanTask;
import dev.riffle.runtime.metrics.JobCounters;
import dev.riffle.runtime.task.StreamTask;
import dev.riffle.state.StateBackend;

import java.util.List;

/**
 * The runtime behind {@code StreamEnvironment.execute}: plans the job, builds its tasks and starts
 * one thread per task instance. Registered as a {@link JobExecutor} service.
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
        for (final PlanTask task : plan.tasks())
        {
            for (final var node : task.operators())
            {
                instances += node.parallelism();
            }
        }
        final JobCounters counters = new JobCounters(2 * instances);
        final StateBackend stateBackend = StateBackend.fromConfig(config);
        final JobRun run = new JobRun(jobName, counters, stateBackend);
        final List<StreamTask> tasks;
        final TaskBuilder builder;
        try
        {
            builder = new TaskBuilder(config, plan, counters, stateBackend, run, run);
            tasks = builder.build();
        }
        catch (final RuntimeException ex)
        {
            stateBackend.close();
            throw ex;
        }
        run.start(tasks, builder.runnerIdleStrategies(), new TaskThreadFactory(jobName, config.cpuAffinity()));
        return run;
    }
}
