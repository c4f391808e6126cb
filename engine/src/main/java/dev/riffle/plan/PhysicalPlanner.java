package dev.riffle.plan;

import dev.riffle.api.RiffleConfig;
import dev.riffle.api.functions.KeySelector;
import dev.riffle.api.graph.PartitionTransformation;
import dev.riffle.api.graph.SourceTransformation;
import dev.riffle.api.graph.Transformation;
import dev.riffle.api.graph.UnionTransformation;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the user's transformations into a {@link PhysicalPlan}.
 * <ul>
 * <li>Union and keyBy are virtual: they become properties of edges, not operators.</li>
 * <li>An edge is {@link Partitioning#HASH} behind a keyBy, {@link Partitioning#FORWARD} between equal
 * parallelisms, {@link Partitioning#REBALANCE} otherwise.</li>
 * <li>An operator with a single FORWARD input is chained into the task of that input: it runs on the
 * same thread, called directly, with no channel. Fan-out is chained too, so a task is a tree.</li>
 * </ul>
 * Stateless; the transformations must be in creation order, which is topological.
 */
public final class PhysicalPlanner
{
    private PhysicalPlanner()
    {
    }

    /**
     * @param transformations the job, in creation order.
     * @param config          concluded configuration (default and max parallelism).
     * @return the plan.
     */
    public static PhysicalPlan plan(final List<Transformation<?>> transformations, final RiffleConfig config)
    {
        final Map<Transformation<?>, PlanNode> nodes = new IdentityHashMap<>();
        final List<PlanNode> ordered = new ArrayList<>();
        for (final Transformation<?> t : transformations)
        {
            if (t instanceof UnionTransformation || t instanceof PartitionTransformation)
            {
                continue;
            }
            final PlanNode node = new PlanNode(t, parallelismOf(t, config));
            nodes.put(t, node);
            ordered.add(node);
            for (final Transformation<?> input : t.inputs())
            {
                connect(input, node, null, nodes);
            }
        }

        final List<PlanTask> tasks = new ArrayList<>();
        for (final PlanNode node : ordered)
        {
            if (canChain(node))
            {
                node.chainedToInput(true);
                final PlanTask task = node.inputs().get(0).source().task();
                task.add(node);
                node.task(task);
            }
            else
            {
                final PlanTask task = new PlanTask(tasks.size(), node);
                tasks.add(task);
                node.task(task);
            }
        }
        return new PhysicalPlan(List.copyOf(ordered), List.copyOf(tasks));
    }

    private static int parallelismOf(final Transformation<?> t, final RiffleConfig config)
    {
        if (t.parallelism() != Transformation.DEFAULT_PARALLELISM)
        {
            return t.parallelism();
        }
        if (t instanceof SourceTransformation<?> source)
        {
            return Math.max(1, Math.min(config.defaultParallelism(), source.source().maxParallelism()));
        }
        return config.defaultParallelism();
    }

    @SuppressWarnings("unchecked")
    private static void connect(
        final Transformation<?> input,
        final PlanNode target,
        final KeySelector<Object, Object> keySelector,
        final Map<Transformation<?>, PlanNode> nodes)
    {
        if (input instanceof UnionTransformation)
        {
            for (final Transformation<?> unioned : input.inputs())
            {
                connect(unioned, target, keySelector, nodes);
            }
        }
        else if (input instanceof PartitionTransformation<?> partition)
        {
            connect(partition.inputs().get(0), target, (KeySelector<Object, Object>)partition.keySelector(), nodes);
        }
        else
        {
            final PlanNode source = nodes.get(input);
            final Partitioning partitioning = null != keySelector ? Partitioning.HASH :
                source.parallelism() == target.parallelism() ? Partitioning.FORWARD : Partitioning.REBALANCE;
            final PlanEdge edge = new PlanEdge(source, target, partitioning, keySelector);
            source.outputs().add(edge);
            target.inputs().add(edge);
        }
    }

    private static boolean canChain(final PlanNode node)
    {
        return node.inputs().size() == 1 && node.inputs().get(0).partitioning() == Partitioning.FORWARD;
    }
}
