package dev.riffle.plan;

import java.util.List;

/**
 * The executable shape of a job: tasks (chains of operators) and the channels-to-be between them.
 *
 * @param nodes every operator, in topological order.
 * @param tasks every task, in topological order of their heads.
 */
public record PhysicalPlan(List<PlanNode> nodes, List<PlanTask> tasks)
{
    /**
     * @return one line per task, then one per edge that crosses tasks; for logs and tests.
     */
    public String describe()
    {
        final StringBuilder sb = new StringBuilder();
        for (final PlanTask task : tasks)
        {
            sb.append(task).append('\n');
        }
        for (final PlanNode node : nodes)
        {
            for (final PlanEdge edge : node.inputs())
            {
                if (!edge.isChained())
                {
                    sb.append("  channel ").append(edge).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /**
     * @param name operator name.
     * @return the first node with that name.
     * @throws IllegalArgumentException if there is none.
     */
    public PlanNode node(final String name)
    {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no operator named '" + name + "'"));
    }
}
