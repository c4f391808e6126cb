package dev.riffle.plan;

import dev.riffle.api.graph.OneInputTransformation;
import dev.riffle.api.graph.PartitionTransformation;
import dev.riffle.api.graph.SinkTransformation;
import dev.riffle.api.graph.SourceTransformation;
import dev.riffle.api.graph.Transformation;

import java.util.ArrayList;
import java.util.List;

/**
 * One operator of the physical plan: a source, a one-input operator or a sink, with its resolved
 * parallelism and its edges. Built by {@link PhysicalPlanner}; read-only afterwards.
 */
public final class PlanNode
{
    private final Transformation<?> transformation;
    private final int parallelism;
    private final List<PlanEdge> inputs = new ArrayList<>();
    private final List<PlanEdge> outputs = new ArrayList<>();
    private boolean chainedToInput;
    private PlanTask task;

    PlanNode(final Transformation<?> transformation, final int parallelism)
    {
        this.transformation = transformation;
        this.parallelism = parallelism;
    }

    /**
     * @return the user's transformation this node executes.
     */
    public Transformation<?> transformation()
    {
        return transformation;
    }

    /**
     * @return stable id of the transformation within its job.
     */
    public int id()
    {
        return transformation.id();
    }

    /**
     * @return operator name.
     */
    public String name()
    {
        return transformation.name();
    }

    /**
     * @return number of parallel instances.
     */
    public int parallelism()
    {
        return parallelism;
    }

    /**
     * @return incoming edges, in the order the job declared them.
     */
    public List<PlanEdge> inputs()
    {
        return inputs;
    }

    /**
     * @return outgoing edges, in the order the job declared them.
     */
    public List<PlanEdge> outputs()
    {
        return outputs;
    }

    /**
     * @return true if this node runs in the task of its single input, called directly.
     */
    public boolean isChainedToInput()
    {
        return chainedToInput;
    }

    /**
     * @return the task this node runs in.
     */
    public PlanTask task()
    {
        return task;
    }

    /**
     * @return true for a source.
     */
    public boolean isSource()
    {
        return transformation instanceof SourceTransformation;
    }

    /**
     * @return true for a sink.
     */
    public boolean isSink()
    {
        return transformation instanceof SinkTransformation;
    }

    /**
     * @return true if the operator reads keyed state (its input is partitioned by key).
     */
    public boolean isKeyed()
    {
        return transformation instanceof OneInputTransformation<?, ?> t && t.isKeyed();
    }

    /**
     * @return the class of every key of a keyed operator as its {@code keyBy} declared it, or
     * {@code Object} if it did not or the operator is not keyed.
     */
    public Class<?> keyType()
    {
        return isKeyed() && transformation.inputs().get(0) instanceof PartitionTransformation<?> partition ?
            partition.keyType() : Object.class;
    }

    void chainedToInput(final boolean chained)
    {
        this.chainedToInput = chained;
    }

    void task(final PlanTask task)
    {
        this.task = task;
    }

    @Override
    public String toString()
    {
        return name() + "(id=" + id() + ", p=" + parallelism + ')';
    }
}
