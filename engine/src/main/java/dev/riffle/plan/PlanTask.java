package dev.riffle.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A chain of operators that runs on one thread per parallel instance: a head (a source or an
 * operator fed by channels) and the operators chained behind it. Chains may fan out, so the
 * operators form a tree below the head; {@link #operators()} lists them head first in topological
 * order.
 */
public final class PlanTask
{
    private final int id;
    private final PlanNode head;
    private final List<PlanNode> operators = new ArrayList<>();

    PlanTask(final int id, final PlanNode head)
    {
        this.id = id;
        this.head = head;
        operators.add(head);
    }

    /**
     * @return index of this task in {@link PhysicalPlan#tasks()}.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the operator that receives the task's input.
     */
    public PlanNode head()
    {
        return head;
    }

    /**
     * @return every operator of the task, head first, each after its input.
     */
    public List<PlanNode> operators()
    {
        return operators;
    }

    /**
     * @return number of parallel instances (threads) of this task.
     */
    public int parallelism()
    {
        return head.parallelism();
    }

    /**
     * @return the operator names joined by {@code " -> "}, as shown in logs and thread names.
     */
    public String name()
    {
        return operators.stream().map(PlanNode::name).collect(Collectors.joining(" -> "));
    }

    void add(final PlanNode node)
    {
        operators.add(node);
    }

    @Override
    public String toString()
    {
        return "Task " + id + " [" + name() + "] x" + parallelism();
    }
}
