package dev.riffle.runtime;

import dev.riffle.api.DataStream;
import dev.riffle.api.JobExecutionException;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.connectors.CollectSink;
import dev.riffle.api.functions.MapFunction;
import dev.riffle.api.functions.RichMapFunction;
import dev.riffle.api.functions.RuntimeContext;
import dev.riffle.api.state.ListStateDescriptor;
import dev.riffle.api.state.ValueStateDescriptor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadJobDefinitionTest
{
    private final StreamEnvironment env = StreamEnvironment.create();
    private final DataStream<Integer> numbers = env.fromElements(1, 2, 3);

    @Test
    void nullFunctionsAreRejectedAtOnce()
    {
        assertMessage(NullPointerException.class, () -> numbers.map(null), "Map");
        assertMessage(NullPointerException.class, () -> numbers.flatMap(null), "FlatMap");
        assertMessage(NullPointerException.class, () -> numbers.filter(null), "Filter");
        assertMessage(NullPointerException.class, () -> numbers.process(null), "Process");
        assertMessage(NullPointerException.class, () -> numbers.sinkTo(null), "sink");
        assertMessage(NullPointerException.class, () -> numbers.keyBy(i -> i).reduce(null), "after keyBy");
        assertMessage(NullPointerException.class, () -> env.fromCollection(null), "collection");
    }

    @Test
    void aDeclaredStateTypeWithoutABuiltInSerializerIsRejectedWhenTheJobIsBuilt()
    {
        assertMessage(IllegalArgumentException.class,
            () -> numbers.keyBy(i -> i).reduce((a, b) -> a, (Class)Thread.class), "java.lang.Thread");
        assertMessage(NullPointerException.class, () -> numbers.keyBy(i -> i).reduce((a, b) -> a, null), "state type");
    }

    @Test
    void nullKeySelectorIsRejectedAtOnce()
    {
        assertMessage(NullPointerException.class, () -> numbers.keyBy(null), "key selector");
    }

    @Test
    void parallelismBelowOneIsRejectedAtOnce()
    {
        assertMessage(IllegalArgumentException.class, () -> numbers.map(i -> i).setParallelism(0), "must be in [1");
        assertMessage(IllegalArgumentException.class,
            () -> StreamEnvironment.create(new RiffleConfig().defaultParallelism(0)), "defaultParallelism");
    }

    @Test
    void parallelismAboveMaxParallelismIsRejected()
    {
        final StreamEnvironment small = StreamEnvironment.create(new RiffleConfig().maxParallelism(4));
        final DataStream<Long> mapped = small.generate(10, i -> i).map(i -> i);
        assertMessage(IllegalArgumentException.class, () -> mapped.setParallelism(5), "maxParallelism=4");
        assertMessage(IllegalArgumentException.class,
            () -> StreamEnvironment.create(new RiffleConfig().maxParallelism(4).defaultParallelism(5)),
            "exceeds maxParallelism 4");
    }

    @Test
    void nonParallelSourceCannotRunInParallel()
    {
        final DataStream<Integer> source = env.fromElements(1);
        assertMessage(IllegalArgumentException.class, () -> source.setParallelism(2), "parallelism up to 1");
    }

    @Test
    void streamThatIsNeverConsumedFailsAtExecute()
    {
        numbers.map(i -> i * 2).sinkTo(new CollectSink<>());
        numbers.map(i -> i + 1).name("Dangling");
        assertMessage(IllegalStateException.class, () -> env.executeAsync("dangling"), "'Dangling' is never consumed");
    }

    @Test
    void jobWithoutSinkFailsAtExecute()
    {
        numbers.map(i -> i);
        assertMessage(IllegalStateException.class, () -> env.executeAsync("no-sink"), "no sink");
    }

    @Test
    void streamCannotBeReusedAfterExecute() throws Exception
    {
        numbers.sinkTo(new CollectSink<>());
        Jobs.run(env, "once");
        assertMessage(IllegalStateException.class, () -> numbers.map(i -> i), "already executed");
        assertMessage(IllegalStateException.class, () -> env.executeAsync("twice"), "already executed");
    }

    @Test
    void nonSerializableRichFunctionFailsAtExecuteWhenCopiesAreNeeded()
    {
        final Object notSerializable = new Object();
        numbers.keyBy(i -> i).map(new RichMapFunction<Integer, Integer>()
        {
            private final Object field = notSerializable;

            @Override
            public Integer map(final Integer value)
            {
                return field.hashCode() + value;
            }
        }).setParallelism(2).name("Holder").sinkTo(new CollectSink<>());
        assertMessage(IllegalArgumentException.class, () -> env.executeAsync("not-serializable"),
            "operator 'Holder'");
    }

    @Test
    void stateRegisteredTwiceWithDifferentTypesFailsNamingTheState() throws Exception
    {
        numbers.keyBy(i -> i % 2).map(new RichMapFunction<Integer, Integer>()
        {
            @Override
            public void open(final RuntimeContext context)
            {
                context.getState(new ValueStateDescriptor<>("total", Long.class));
                context.getState(new ValueStateDescriptor<>("total", String.class));
            }

            @Override
            public Integer map(final Integer value)
            {
                return value;
            }
        }).name("Confused").sinkTo(new CollectSink<>());

        final JobExecutionException ex = Jobs.runExpectingFailure(env, "state-twice");
        final Throwable cause = ex.getCause().getCause();
        assertEquals(IllegalStateException.class, cause.getClass());
        assertTrue(cause.getMessage().contains("state 'total' of operator 'Confused'"), cause.getMessage());
    }

    @Test
    void stateRegisteredTwiceWithDifferentKindsFails() throws Exception
    {
        numbers.keyBy(i -> i % 2).map(new RichMapFunction<Integer, Integer>()
        {
            @Override
            public void open(final RuntimeContext context)
            {
                context.getState(new ValueStateDescriptor<>("x", Long.class));
                context.getListState(new ListStateDescriptor<>("x", Long.class));
            }

            @Override
            public Integer map(final Integer value)
            {
                return value;
            }
        }).sinkTo(new CollectSink<>());

        final JobExecutionException ex = Jobs.runExpectingFailure(env, "kind-twice");
        assertTrue(ex.getCause().getCause().getMessage().contains("state 'x'"));
    }

    @Test
    void keyedStateOnANonKeyedStreamFails() throws Exception
    {
        numbers.map(new RichMapFunction<Integer, Integer>()
        {
            @Override
            public void open(final RuntimeContext context)
            {
                context.getState(new ValueStateDescriptor<>("x", Long.class));
            }

            @Override
            public Integer map(final Integer value)
            {
                return value;
            }
        }).sinkTo(new CollectSink<>());

        final JobExecutionException ex = Jobs.runExpectingFailure(env, "unkeyed-state");
        assertTrue(ex.getCause().getCause().getMessage().contains("only available on a KeyedStream"));
    }

    @Test
    void nullRecordFailsNamingTheOperator() throws Exception
    {
        final MapFunction<Integer, Integer> toNull = i -> null;
        numbers.map(toNull).name("Nuller").sinkTo(new CollectSink<>());
        final JobExecutionException ex = Jobs.runExpectingFailure(env, "null-record");
        assertTrue(ex.getMessage().contains("Nuller"), ex.getMessage());
    }

    @Test
    void nullKeyFailsTheJobWithAClearMessage() throws Exception
    {
        numbers.keyBy(i -> (Integer)null).map(i -> i).sinkTo(new CollectSink<>());
        final JobExecutionException ex = Jobs.runExpectingFailure(env, "null-key");
        assertTrue(ex.getCause().getCause().getMessage().contains("key selector returned null"));
    }

    private static void assertMessage(
        final Class<? extends Throwable> type, final org.junit.jupiter.api.function.Executable action, final String part)
    {
        final Throwable t = assertThrows(type, action);
        assertTrue(null != t.getMessage() && t.getMessage().contains(part),
            () -> "message '" + t.getMessage() + "' should contain '" + part + "'");
    }
}
