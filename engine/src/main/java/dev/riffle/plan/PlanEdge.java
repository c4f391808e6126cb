package dev.riffle.plan;

import dev.riffle.api.functions.KeySelector;

/**
 * A data dependency between two plan nodes after virtual transformations (union, keyBy) are resolved.
 *
 * @param source       producing node.
 * @param target       consuming node.
 * @param partitioning how records are distributed over the target's instances.
 * @param keySelector  the key of a {@link Partitioning#HASH} edge, otherwise null.
 */
public record PlanEdge(PlanNode source, PlanNode target, Partitioning partitioning, KeySelector<Object, Object> keySelector)
{
    /**
     * @return true if source and target run in the same task, connected by a direct call.
     */
    public boolean isChained()
    {
        return target.isChainedToInput();
    }

    @Override
    public String toString()
    {
        return source.name() + " -" + partitioning + "-> " + target.name();
    }
}
