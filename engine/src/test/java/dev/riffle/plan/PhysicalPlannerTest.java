package dev.riffle.plan;

import dev.riffle.api.RiffleConfig;
import dev.riffle.api.graph.OneInputTransformation;
import dev.riffle.api.graph.OperatorKind;
import dev.riffle.api.graph.PartitionTransformation;
import dev.riffle.api.graph.SinkTransformation;
import dev.riffle.api.graph.SourceTransformation;
import dev.riffle.api.graph.Transformation;
import dev.riffle.api.graph.UnionTransformation;
import dev.riffle.api.connector.Source;
import dev.riffle.api.connector.SourceReader;
import dev.riffle.api.functions.MapFunction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhysicalPlannerTest
{
    private final List<Transformation<?>> job = new ArrayList<>();
    private final RiffleConfig config = new RiffleConfig().defaultParallelism(2).conclude();

    @Test
    void chainsForwardOperatorsOfEqualParallelismIntoOneTask()
    {
        final var source = source("src", 2);
        final var map = map("map", source);
        final var filter = map("filter", map);
        sink("sink", filter);

        final PhysicalPlan plan = PhysicalPlanner.plan(job, config);

        assertEquals(1, plan.tasks().size(), plan.describe());
        assertEquals("src -> map -> filter -> sink", plan.tasks().get(0).name());
        assertTrue(plan.node("sink").isChainedToInput());
    }

    @Test
    void keyByBreaksTheChainWithAHashEdge()
    {
        final var source = source("src", 2);
        final var partition = add(new PartitionTransformation<>(job.size(), source, s -> s));
        final var keyed = add(new OneInputTransformation<>(job.size(), "count", partition, OperatorKind.KEYED_PROCESS,
            new dev.riffle.api.functions.KeyedProcessFunction<Object, Object, Object>()
            {
                @Override
                public void processElement(final Object value, final Context<Object> ctx,
                    final dev.riffle.api.functions.Collector<Object> out)
                {
                }
            }, s -> s));
        sink("sink", keyed);

        final PhysicalPlan plan = PhysicalPlanner.plan(job, config);

        assertEquals(2, plan.tasks().size(), plan.describe());
        final PlanNode count = plan.node("count");
        assertFalse(count.isChainedToInput());
        assertEquals(Partitioning.HASH, count.inputs().get(0).partitioning());
        assertTrue(count.isKeyed());
        assertSame(count.task(), plan.node("sink").task(), "the sink after a keyed operator is chained to it");
    }

    @Test
    void parallelismChangeUsesRebalanceAndANewTask()
    {
        final var source = source("src", 1);
        final var map = map("map", source);
        map.parallelism(3);
        sink("sink", map);

        final PhysicalPlan plan = PhysicalPlanner.plan(job, config);

        final PlanNode mapNode = plan.node("map");
        assertEquals(Partitioning.REBALANCE, mapNode.inputs().get(0).partitioning());
        assertEquals(3, mapNode.parallelism());
        assertFalse(mapNode.isChainedToInput());
        assertEquals(2, plan.node("sink").parallelism(), "the sink takes the default parallelism");
        assertEquals(3, plan.tasks().size(), "map (3) -> sink (2) is a second parallelism change");
    }

    @Test
    void unionIsVirtualAndItsConsumerIsATaskHead()
    {
        final var a = source("a", 2);
        final var b = source("b", 2);
        final var union = add(new UnionTransformation<>(job.size(), List.of(a, b)));
        sink("sink", union);

        final PhysicalPlan plan = PhysicalPlanner.plan(job, config);

        final PlanNode sink = plan.node("sink");
        assertEquals(2, sink.inputs().size());
        assertFalse(sink.isChainedToInput());
        assertEquals(Partitioning.FORWARD, sink.inputs().get(0).partitioning());
        assertEquals(3, plan.tasks().size());
    }

    @Test
    void fanOutIsChainedSoATaskIsATree()
    {
        final var source = source("src", 2);
        sink("left", map("m1", source));
        sink("right", map("m2", source));

        final PhysicalPlan plan = PhysicalPlanner.plan(job, config);

        assertEquals(1, plan.tasks().size(), plan.describe());
        assertEquals(5, plan.tasks().get(0).operators().size());
        assertEquals("src", plan.tasks().get(0).head().name());
    }

    @Test
    void nonParallelSourceGetsParallelismOneByDefault()
    {
        final var source = add(new SourceTransformation<>(job.size(), "src", new FixedSource(1)));
        sink("sink", map("map", source));

        final PhysicalPlan plan = PhysicalPlanner.plan(job, config);

        assertEquals(1, plan.node("src").parallelism());
        assertEquals(2, plan.node("map").parallelism());
        assertEquals(Partitioning.REBALANCE, plan.node("map").inputs().get(0).partitioning());
    }

    private SourceTransformation<Object> source(final String name, final int parallelism)
    {
        final var t = add(new SourceTransformation<Object>(job.size(), name, new FixedSource(4)));
        t.parallelism(parallelism);
        return t;
    }

    private OneInputTransformation<Object, Object> map(final String name, final Transformation<Object> input)
    {
        final MapFunction<Object, Object> identity = v -> v;
        return add(new OneInputTransformation<>(job.size(), name, input, OperatorKind.MAP, identity, null));
    }

    private void sink(final String name, final Transformation<Object> input)
    {
        add(new SinkTransformation<>(job.size(), name, input, context -> record -> { }));
    }

    private <T extends Transformation<?>> T add(final T t)
    {
        job.add(t);
        return t;
    }

    private record FixedSource(int maxParallelism) implements Source<Object>
    {
        @Override
        public SourceReader<Object> createReader(final dev.riffle.api.connector.SourceContext context)
        {
            return (output, max) -> SourceReader.END_OF_INPUT;
        }
    }
}
