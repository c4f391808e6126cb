package dev.riffle.runtime;

import dev.riffle.plan.PhysicalPlan;
import dev.riffle.plan.PlanNode;
import dev.riffle.runtime.checkpoint.OperatorSubtaskState;
import dev.riffle.runtime.checkpoint.RestoredCheckpoint;

import java.util.HashMap;
import java.util.Map;

/**
 * Checks that a checkpoint fits the job about to restore it: operators are matched by id (their
 * order of definition), so the job must be defined the same way; a source's positions belong to its
 * instances, so a replayable source must keep its parallelism. Keyed operators may change
 * parallelism: their state moves by key group.
 */
final class RestoreValidation
{
    private RestoreValidation()
    {
    }

    static void check(final PhysicalPlan plan, final RestoredCheckpoint restored)
    {
        final Map<Integer, PlanNode> nodes = new HashMap<>();
        for (final PlanNode node : plan.nodes())
        {
            nodes.put(node.id(), node);
        }
        for (final OperatorSubtaskState state : restored.metadata().states())
        {
            final PlanNode node = nodes.get(state.operatorId());
            if (null == node || !node.name().equals(state.operatorName()))
            {
                throw new IllegalStateException("checkpoint " + restored.directory() + " does not match the job: " +
                    "operator " + state.operatorId() + " was '" + state.operatorName() + "', the job has " +
                    (null == node ? "no such operator" : "'" + node.name() + "'") +
                    "; define the job's operators in the same order with the same names");
            }
            if (node.isSource() && state.sourcePosition() != OperatorSubtaskState.NO_POSITION &&
                node.parallelism() != state.parallelism())
            {
                throw new IllegalStateException("source '" + node.name() + "' ran with parallelism " +
                    state.parallelism() + " in " + restored.directory() + ", now " + node.parallelism() +
                    ": source positions cannot be redistributed; keep the source's parallelism");
            }
        }
    }
}
