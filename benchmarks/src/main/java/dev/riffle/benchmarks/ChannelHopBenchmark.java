package dev.riffle.benchmarks;

import dev.riffle.runtime.channel.Channel;
import dev.riffle.runtime.channel.ChannelReader;
import dev.riffle.runtime.channel.ChannelWriter;
import dev.riffle.runtime.channel.SlotHandler;
import dev.riffle.runtime.channel.StreamSlot;
import dev.riffle.runtime.channel.TaskStoppedException;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One record crossing one channel between two threads: the cost of a task boundary.
 * <ul>
 * <li>{@code throughput}: a producer thread writes pre-allocated records as fast as the ring lets
 * it; the benchmark thread consumes batches. Ops = records.</li>
 * <li>{@code roundTrip}: the benchmark thread writes one record and waits for an echo thread to send
 * it back on a second channel (SampleTime); one hop is half of it.</li>
 * </ul>
 * Both sides busy-spin (the opt-in latency setting), which on a 2-core machine means the two threads
 * own the two cores.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChannelHopBenchmark
{
    static final int BATCH = 1024;
    private static final Object RECORD = new Object();

    private Channel forward;
    private Channel backward;
    private ChannelReader forwardReader;
    private ChannelReader backwardReader;
    private ChannelWriter forwardWriter;
    private Thread peer;
    private volatile boolean running;
    private final Counter counter = new Counter();

    /**
     * Starts the producer (throughput) or echo (round trip) thread.
     *
     * @param params which benchmark runs.
     */
    @Setup(Level.Trial)
    public void setUp(final org.openjdk.jmh.infra.BenchmarkParams params)
    {
        running = true;
        forward = new Channel("bench -> peer", 1024);
        backward = new Channel("peer -> bench", 1024);
        if (params.getBenchmark().endsWith("throughput"))
        {
            forwardReader = new ChannelReader(forward, 0, counter);
            peer = new Thread(this::produce, "producer");
        }
        else
        {
            forwardWriter = new ChannelWriter(forward, new BusySpinIdleStrategy(), () -> !running);
            backwardReader = new ChannelReader(backward, 0, counter);
            peer = new Thread(this::echo, "echo");
        }
        peer.setDaemon(true);
        peer.start();
    }

    /**
     * Stops the peer thread.
     *
     * @throws InterruptedException if interrupted while joining.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        running = false;
        peer.join(10_000);
    }

    /**
     * @return records consumed, so the JIT cannot drop the work.
     * @throws Exception never.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public long throughput() throws Exception
    {
        final long target = counter.records + BATCH;
        while (counter.records < target)
        {
            forwardReader.poll((int)(target - counter.records));
        }
        return counter.records;
    }

    /**
     * @return records received back.
     * @throws Exception never.
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long roundTrip() throws Exception
    {
        forwardWriter.writeRecord(RECORD, null, 0, Long.MIN_VALUE);
        final long target = counter.records + 1;
        while (counter.records < target)
        {
            backwardReader.poll(1);
        }
        return counter.records;
    }

    private void produce()
    {
        final ChannelWriter writer = new ChannelWriter(forward, new BusySpinIdleStrategy(), () -> !running);
        try
        {
            while (running)
            {
                writer.writeRecord(RECORD, null, 0, Long.MIN_VALUE);
            }
        }
        catch (final TaskStoppedException ignore)
        {
            // the trial is over
        }
    }

    private void echo()
    {
        final ChannelWriter writer = new ChannelWriter(backward, new BusySpinIdleStrategy(), () -> !running);
        final ChannelReader reader = new ChannelReader(forward, 0, new SlotHandler()
        {
            @Override
            public void onRecord(final int channelIndex, final StreamSlot slot)
            {
                writer.writeRecord(slot.value(), null, 0, slot.timestamp());
            }

            @Override
            public boolean onControl(final int channelIndex, final StreamSlot slot)
            {
                return true;
            }
        });
        try
        {
            while (running)
            {
                reader.poll(16);
            }
        }
        catch (final TaskStoppedException ignore)
        {
            // the trial is over
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static final class Counter implements SlotHandler
    {
        long records;

        @Override
        public void onRecord(final int channelIndex, final StreamSlot slot)
        {
            records++;
        }

        @Override
        public boolean onControl(final int channelIndex, final StreamSlot slot)
        {
            return true;
        }
    }
}
