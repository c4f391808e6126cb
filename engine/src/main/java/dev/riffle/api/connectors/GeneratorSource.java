package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.functions.Collector;

import java.util.Objects;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * A deterministic source of {@code count} records: record {@code i} is {@code generator.apply(i)} for
 * {@code i} in {@code [0, count)}. For tests and benchmarks.
 * <p>
 * Parallel: instance {@code s} of {@code p} emits the indices {@code i} with {@code i % p == s}, in
 * increasing order, so the union over instances is every index exactly once.
 * <p>
 * Rate: with {@code recordsPerSecond > 0} the instances together emit at most that many records per
 * second, each instance {@code recordsPerSecond / p}. The schedule starts at an instance's first
 * poll; record {@code k} of an instance is due {@code k / (recordsPerSecond / p)} seconds after it.
 * A reader never waits: a poll ahead of schedule returns 0 and the task's idle strategy waits. A
 * reader that fell behind (slow downstream) catches up in bursts of at most {@code maxRecords} per
 * poll, so the offered load over time stays the target rate — what a fixed-rate latency harness needs.
 * <p>
 * Replayable: the position is the next index the instance would emit.
 * <p>
 * Thread-safety: the source is immutable and may be shared; the generator is called by every
 * instance's task thread concurrently and must be stateless (or thread-safe). Each reader belongs to
 * the task thread that created it.
 *
 * @param <T> record type.
 */
public final class GeneratorSource<T> implements ReplayableSource<T>
{
    private static final double NANOS_PER_SECOND = 1e9;

    private final long count;
    private final LongFunction<? extends T> generator;
    private final double recordsPerSecond;
    private final LongSupplier nanoClock;

    /**
     * @param count            number of records, >= 0.
     * @param generator        record of an index; stateless; must not return null.
     * @param recordsPerSecond target rate over all instances; 0 or less (or infinity) for as fast
     *                         as possible.
     * @throws IllegalArgumentException if count is negative or the rate is NaN.
     * @throws NullPointerException     if generator is null.
     */
    public GeneratorSource(final long count, final LongFunction<? extends T> generator, final double recordsPerSecond)
    {
        this(count, generator, recordsPerSecond, System::nanoTime);
    }

    /**
     * Unthrottled.
     *
     * @param count     number of records, >= 0.
     * @param generator record of an index; stateless; must not return null.
     */
    public GeneratorSource(final long count, final LongFunction<? extends T> generator)
    {
        this(count, generator, 0);
    }

    GeneratorSource(
        final long count, final LongFunction<? extends T> generator, final double recordsPerSecond, final LongSupplier nanoClock)
    {
        if (count < 0)
        {
            throw new IllegalArgumentException("generator source: count must be >= 0: " + count);
        }
        if (Double.isNaN(recordsPerSecond))
        {
            throw new IllegalArgumentException("generator source: recordsPerSecond is NaN");
        }
        this.count = count;
        this.generator = Objects.requireNonNull(generator, "generator source: generator");
        this.recordsPerSecond = recordsPerSecond > 0 && !Double.isInfinite(recordsPerSecond) ? recordsPerSecond : 0;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * @return number of records over all instances.
     */
    public long count()
    {
        return count;
    }

    /**
     * @return target rate over all instances, 0 if unthrottled.
     */
    public double recordsPerSecond()
    {
        return recordsPerSecond;
    }

    /**
     * @return {@link Integer#MAX_VALUE}: any parallelism; instances beyond {@code count} emit nothing.
     */
    @Override
    public int maxParallelism()
    {
        return Integer.MAX_VALUE;
    }

    @Override
    public ReplayableSourceReader<T> createReader(final SourceContext context)
    {
        checkInstance(context);
        return new Reader<>(this, context.subtask(), context.parallelism(), context.subtask());
    }

    /**
     * @param position next index to emit: an index {@code i < count} with {@code i % p == s}, or
     *                 {@code count} (nothing left).
     * @throws IllegalArgumentException if the position is not one of this instance's indices.
     */
    @Override
    public ReplayableSourceReader<T> createReader(final SourceContext context, final long position)
    {
        checkInstance(context);
        final int subtask = context.subtask();
        final int parallelism = context.parallelism();
        if (position < 0 || position > count || (position < count && position % parallelism != subtask))
        {
            throw new IllegalArgumentException("generator source '" + context.name() + "': position " + position +
                " is not an index of instance " + subtask + " of " + parallelism + " (count " + count + ")");
        }
        return new Reader<>(this, subtask, parallelism, position);
    }

    private static void checkInstance(final SourceContext context)
    {
        if (context.parallelism() < 1 || context.subtask() < 0 || context.subtask() >= context.parallelism())
        {
            throw new IllegalArgumentException("generator source '" + context.name() + "': bad instance " +
                context.subtask() + " of " + context.parallelism());
        }
    }

    /**
     * Emits the indices {@code next, next + p, ...} below count, on schedule. Owned by one task thread.
     */
    private static final class Reader<T> implements ReplayableSourceReader<T>
    {
        private final long count;
        private final LongFunction<? extends T> generator;
        private final int step;
        private final double recordsPerNano;
        private final LongSupplier nanoClock;
        private long next;
        private long startNanos;
        private long emittedSinceStart = -1; // -1 until the first poll starts the schedule

        Reader(final GeneratorSource<T> source, final int subtask, final int parallelism, final long next)
        {
            this.count = source.count;
            this.generator = source.generator;
            this.step = parallelism;
            this.recordsPerNano = source.recordsPerSecond / parallelism / NANOS_PER_SECOND;
            this.nanoClock = source.nanoClock;
            this.next = Math.min(next, source.count);
        }

        @Override
        public int poll(final Collector<T> output, final int maxRecords)
        {
            if (next >= count)
            {
                return END_OF_INPUT;
            }
            final int allowed = recordsPerNano > 0 ? dueNow(maxRecords) : maxRecords;
            int emitted = 0;
            while (emitted < allowed && next < count)
            {
                final long index = next;
                next = count - index > step ? index + step : count;
                output.collect(generator.apply(index));
                emitted++;
            }
            if (recordsPerNano > 0)
            {
                emittedSinceStart += emitted;
            }
            return emitted;
        }

        private int dueNow(final int maxRecords)
        {
            final long now = nanoClock.getAsLong();
            if (emittedSinceStart < 0)
            {
                startNanos = now;
                emittedSinceStart = 0;
            }
            // record k is due at startNanos + k / recordsPerNano; the first one at once
            final double dueTotal = Math.floor((now - startNanos) * recordsPerNano) + 1;
            final double due = dueTotal - emittedSinceStart;
            return due <= 0 ? 0 : (int)Math.min(maxRecords, due);
        }

        @Override
        public long position()
        {
            return next;
        }
    }
}
