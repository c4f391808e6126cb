package dev.riffle.runtime;

import dev.riffle.api.RiffleConfig;
import dev.riffle.api.checkpoint.CheckpointingMode;
import dev.riffle.api.connector.Source;
import dev.riffle.api.functions.AggregateFunction;
import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.FilterFunction;
import dev.riffle.api.functions.FlatMapFunction;
import dev.riffle.api.functions.KeyedProcessFunction;
import dev.riffle.api.functions.MapFunction;
import dev.riffle.api.functions.ProcessFunction;
import dev.riffle.api.functions.ReduceFunction;
import dev.riffle.api.graph.OneInputTransformation;
import dev.riffle.api.graph.SinkTransformation;
import dev.riffle.api.graph.SourceTransformation;
import dev.riffle.plan.PhysicalPlan;
import dev.riffle.plan.PlanEdge;
import dev.riffle.plan.PlanNode;
import dev.riffle.plan.PlanTask;
import dev.riffle.runtime.channel.Channel;
import dev.riffle.runtime.channel.ChannelWriter;
import dev.riffle.runtime.channel.StopSignal;
import dev.riffle.runtime.metrics.JobCounters;
import dev.riffle.runtime.operators.AggregateOperator;
import dev.riffle.runtime.operators.ChainedOutput;
import dev.riffle.runtime.operators.CountingOutput;
import dev.riffle.runtime.operators.FanOutOutput;
import dev.riffle.runtime.operators.FilterOperator;
import dev.riffle.runtime.operators.FlatMapOperator;
import dev.riffle.runtime.operators.ForwardOutput;
import dev.riffle.runtime.operators.KeyGroupOutput;
import dev.riffle.runtime.operators.KeyedProcessOperator;
import dev.riffle.runtime.operators.MapOperator;
import dev.riffle.runtime.operators.OperatorIdentity;
import dev.riffle.runtime.operators.ProcessOperator;
import dev.riffle.runtime.operators.RebalanceOutput;
import dev.riffle.runtime.operators.RecordContext;
import dev.riffle.runtime.operators.ReduceOperator;
import dev.riffle.runtime.operators.SinkOperator;
import dev.riffle.runtime.operators.StreamOperator;
import dev.riffle.runtime.operators.StreamRuntimeContext;
import dev.riffle.runtime.checkpoint.CheckpointResponder;
import dev.riffle.runtime.checkpoint.OperatorSubtaskState;
import dev.riffle.runtime.checkpoint.RestoredCheckpoint;
import dev.riffle.runtime.task.ChannelInput;
import dev.riffle.runtime.task.TaskCheckpointer;
import dev.riffle.runtime.task.SourceInput;
import dev.riffle.runtime.task.StreamTask;
import dev.riffle.runtime.task.TaskInput;
import dev.riffle.runtime.task.TaskListener;
import dev.riffle.state.KeyGroups;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.StateBackend;
import dev.riffle.state.snapshot.KeyedStateHandle;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Builds the runnable tasks of a {@link PhysicalPlan}: operator instances with their copies of rich
 * functions, keyed state, one channel per producer-instance/consumer-instance pair of every edge
 * that crosses tasks, and the outputs wiring it all. Runs on the thread that executes the job,
 * before any task thread starts, so every failure here is an execute-time failure.
 */
final class TaskBuilder
{
    private final RiffleConfig config;
    private final PhysicalPlan plan;
    private final JobCounters counters;
    private final StateBackend stateBackend;
    private final StopSignal stopSignal;
    private final TaskListener listener;
    private final int attempt;
    private final RestoredCheckpoint restored;
    private final CheckpointResponder responder;
    private final Executor snapshotThread;
    private final java.util.function.LongSupplier lastCommitted;
    private final FunctionTemplates functions;
    private final Map<PlanEdge, Channel[][]> channels = new HashMap<>();
    private final List<StreamTask> tasks = new ArrayList<>();
    private final List<IdleStrategy> runnerIdleStrategies = new ArrayList<>();

    TaskBuilder(
        final RiffleConfig config,
        final PhysicalPlan plan,
        final JobCounters counters,
        final StateBackend stateBackend,
        final StopSignal stopSignal,
        final TaskListener listener,
        final int attempt,
        final RestoredCheckpoint restored,
        final CheckpointResponder responder,
        final Executor snapshotThread,
        final java.util.function.LongSupplier lastCommitted,
        final FunctionTemplates functions)
    {
        this.functions = functions;
        this.lastCommitted = lastCommitted;
        this.attempt = attempt;
        this.restored = restored;
        this.responder = responder;
        this.snapshotThread = snapshotThread;
        this.config = config;
        this.plan = plan;
        this.counters = counters;
        this.stateBackend = stateBackend;
        this.stopSignal = stopSignal;
        this.listener = listener;
    }

    /**
     * @return one task per instance of every plan task, sources first.
     */
    List<StreamTask> build()
    {
        if (null != restored)
        {
            RestoreValidation.check(plan, restored);
        }
        createChannels();
        for (final PlanTask task : plan.tasks())
        {
            for (int i = 0; i < task.parallelism(); i++)
            {
                tasks.add(buildInstance(task, i));
            }
        }
        return tasks;
    }

    /**
     * @return the idle strategy of each task's runner, same order as {@link #build()}.
     */
    List<IdleStrategy> runnerIdleStrategies()
    {
        return runnerIdleStrategies;
    }

    private void createChannels()
    {
        for (final PlanNode node : plan.nodes())
        {
            for (final PlanEdge edge : node.inputs())
            {
                if (edge.isChained())
                {
                    continue;
                }
                final int producers = edge.source().parallelism();
                final int consumers = edge.target().parallelism();
                final Channel[][] byProducer = new Channel[producers][consumers];
                for (int p = 0; p < producers; p++)
                {
                    for (int c = 0; c < consumers; c++)
                    {
                        if (edge.partitioning() != dev.riffle.plan.Partitioning.FORWARD || p == c)
                        {
                            byProducer[p][c] = new Channel(
                                edge.source().name() + '[' + p + "] -> " + edge.target().name() + '[' + c + ']',
                                config.channelCapacity());
                        }
                    }
                }
                channels.put(edge, byProducer);
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private StreamTask buildInstance(final PlanTask task, final int subtask)
    {
        final IdleStrategy backpressureIdle = config.idleStrategy().get();
        runnerIdleStrategies.add(config.idleStrategy().get());
        final RecordContext recordContext = new RecordContext();
        final List<ChannelWriter> writers = new ArrayList<>();
        final List<KeyedStateBackend> keyedStates = new ArrayList<>();
        final Map<PlanNode, StreamOperator<?, ?>> operators = new HashMap<>();
        final Map<PlanNode, StreamRuntimeContext> contexts = new HashMap<>();
        final List<PlanNode> members = task.operators();

        for (final PlanNode node : members)
        {
            if (node.isSource())
            {
                continue;
            }
            final OperatorIdentity identity = identity(node, subtask);
            KeyedStateBackend keyedState = null;
            if (node.isKeyed())
            {
                keyedState = stateBackend.createKeyedStateBackend(node.id(), node.name(), subtask,
                    KeyGroups.rangeForOperator(config.maxParallelism(), node.parallelism(), subtask),
                    config.maxParallelism(), node.keyType());
                keyedStates.add(keyedState);
                restoreKeyedState(node, keyedState);
            }
            operators.put(node, createOperator(node, identity, recordContext, keyedState, subtask));
            contexts.put(node, new StreamRuntimeContext(identity, keyedState));
        }

        final Map<PlanNode, Collector<Object>> outputs = new HashMap<>();
        for (final PlanNode node : members)
        {
            if (node.isSink())
            {
                continue;
            }
            final List<Collector<Object>> targets = new ArrayList<>();
            for (final PlanEdge edge : node.outputs())
            {
                if (edge.isChained())
                {
                    targets.add(new ChainedOutput(operators.get(edge.target())));
                }
                else
                {
                    targets.add(channelOutput(edge, subtask, recordContext, backpressureIdle, writers));
                }
            }
            @SuppressWarnings("unchecked")
            final Collector<Object> target = targets.size() == 1 ? targets.get(0) :
                new FanOutOutput(targets.toArray(new Collector[0]));
            final CountingOutput output = new CountingOutput(
                identity(node, subtask), counters.newRecordsOut(node.name(), subtask), target);
            outputs.put(node, output);
            final StreamOperator<?, ?> operator = operators.get(node);
            if (null != operator)
            {
                operator.output(output);
            }
        }

        final PlanNode head = task.head();
        final TaskInput input;
        if (head.isSource())
        {
            @SuppressWarnings("unchecked")
            final Source<Object> source = (Source<Object>)((SourceTransformation<?>)head.transformation()).source();
            input = new SourceInput(source, identity(head, subtask), outputs.get(head), config.batchSize(),
                restoredPosition(head, subtask));
        }
        else
        {
            input = new ChannelInput(inputChannels(head, subtask), operators.get(head),
                head.isKeyed() ? keyedStates.get(0) : null, recordContext, config.batchSize(),
                config.checkpointing().mode() == CheckpointingMode.EXACTLY_ONCE);
        }

        final List<StreamOperator<?, ?>> ordered = new ArrayList<>();
        final List<StreamRuntimeContext> orderedContexts = new ArrayList<>();
        for (final PlanNode node : members)
        {
            if (!node.isSource())
            {
                ordered.add(operators.get(node));
                orderedContexts.add(contexts.get(node));
            }
        }
        final String roleName = task.name() + " (" + (subtask + 1) + '/' + task.parallelism() + ')';
        final ChannelWriter[] taskWriters = writers.toArray(new ChannelWriter[0]);
        final StreamTask streamTask = new StreamTask(roleName, input, ordered.toArray(new StreamOperator[0]),
            orderedContexts.toArray(new StreamRuntimeContext[0]), keyedStates, taskWriters, stopSignal, listener);
        if (null != responder)
        {
            final List<TaskCheckpointer.Participant> participants = new ArrayList<>();
            int keyedIndex = 0;
            for (final PlanNode node : members)
            {
                final StreamOperator<?, ?> operator = operators.get(node);
                final KeyedStateBackend keyed = node.isKeyed() ? keyedStates.get(keyedIndex++) : null;
                final SinkOperator<?> sink = operator instanceof SinkOperator<?> s ? s : null;
                if (node.isSource() || null != keyed || null != sink)
                {
                    participants.add(new TaskCheckpointer.Participant(identity(node, subtask), keyed, sink,
                        node.isSource()));
                }
            }
            streamTask.enableCheckpoints(new TaskCheckpointer(attempt, participants,
                input instanceof SourceInput sourceInput ? sourceInput : null, taskWriters, responder, snapshotThread,
                lastCommitted),
                responder, attempt);
        }
        return streamTask;
    }

    private void restoreKeyedState(final PlanNode node, final KeyedStateBackend keyedState)
    {
        if (null == restored)
        {
            return;
        }
        final List<KeyedStateHandle> handles = new ArrayList<>();
        for (final OperatorSubtaskState state : restored.metadata().statesOf(node.id()))
        {
            if (null != state.keyedState())
            {
                handles.add(state.keyedState());
            }
        }
        if (handles.isEmpty())
        {
            return;
        }
        try
        {
            keyedState.restore(restored.directory(), handles);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot restore the state of '" + node.name() + "' from " +
                restored.directory() + ": " + ex.getMessage(), ex);
        }
    }

    private long restoredPosition(final PlanNode source, final int subtask)
    {
        if (null == restored)
        {
            return OperatorSubtaskState.NO_POSITION;
        }
        for (final OperatorSubtaskState state : restored.metadata().statesOf(source.id()))
        {
            if (state.subtask() == subtask)
            {
                return state.sourcePosition();
            }
        }
        return OperatorSubtaskState.NO_POSITION;
    }

    private Collector<Object> channelOutput(
        final PlanEdge edge,
        final int subtask,
        final RecordContext recordContext,
        final IdleStrategy idle,
        final List<ChannelWriter> taskWriters)
    {
        final Channel[] row = channels.get(edge)[subtask];
        switch (edge.partitioning())
        {
            case FORWARD:
            {
                final ChannelWriter writer = new ChannelWriter(row[subtask], idle, stopSignal);
                taskWriters.add(writer);
                return new ForwardOutput(writer, recordContext);
            }
            case REBALANCE:
                return new RebalanceOutput(writers(row, idle, taskWriters), recordContext, subtask);
            case HASH:
                return new KeyGroupOutput(edge.keySelector(), edge.target().keyType(), edge.target().name(),
                    writers(row, idle, taskWriters), recordContext, config.maxParallelism());
            default:
                throw new IllegalStateException("unknown partitioning " + edge.partitioning());
        }
    }

    private ChannelWriter[] writers(final Channel[] row, final IdleStrategy idle, final List<ChannelWriter> taskWriters)
    {
        final ChannelWriter[] writers = new ChannelWriter[row.length];
        for (int c = 0; c < row.length; c++)
        {
            writers[c] = new ChannelWriter(row[c], idle, stopSignal);
            taskWriters.add(writers[c]);
        }
        return writers;
    }

    private Channel[] inputChannels(final PlanNode head, final int subtask)
    {
        final List<Channel> inputs = new ArrayList<>();
        for (final PlanEdge edge : head.inputs())
        {
            final Channel[][] byProducer = channels.get(edge);
            for (final Channel[] row : byProducer)
            {
                if (null != row[subtask])
                {
                    inputs.add(row[subtask]);
                }
            }
        }
        return inputs.toArray(new Channel[0]);
    }

    private OperatorIdentity identity(final PlanNode node, final int subtask)
    {
        return new OperatorIdentity(node.id(), node.name(), subtask, node.parallelism(), config.maxParallelism());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private StreamOperator<?, ?> createOperator(
        final PlanNode node,
        final OperatorIdentity identity,
        final RecordContext recordContext,
        final KeyedStateBackend keyedState,
        final int subtask)
    {
        final AtomicCounter recordsIn = counters.newRecordsIn(node.name(), subtask);
        if (node.transformation() instanceof SinkTransformation<?> sink)
        {
            return new SinkOperator(identity, recordsIn, sink.sink());
        }
        final OneInputTransformation<?, ?> t = (OneInputTransformation<?, ?>)node.transformation();
        final Object function = functions.forInstance(node, t.function());
        return switch (t.kind())
        {
            case MAP -> new MapOperator(identity, recordsIn, (MapFunction)function);
            case FLAT_MAP -> new FlatMapOperator(identity, recordsIn, (FlatMapFunction)function);
            case FILTER -> new FilterOperator(identity, recordsIn, (FilterFunction)function);
            case PROCESS -> new ProcessOperator(identity, recordsIn, (ProcessFunction)function, recordContext);
            case KEYED_PROCESS ->
                new KeyedProcessOperator(identity, recordsIn, (KeyedProcessFunction)function, recordContext, keyedState);
            case REDUCE -> new ReduceOperator(identity, recordsIn, (ReduceFunction)function, t.stateType());
            case AGGREGATE -> new AggregateOperator(identity, recordsIn, (AggregateFunction)function, t.stateType());
        };
    }
}
