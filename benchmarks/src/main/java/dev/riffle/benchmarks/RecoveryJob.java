package dev.riffle.benchmarks;

import dev.riffle.api.JobHandle;
import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.Sink;
import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.functions.Collector;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The job {@link RecoveryTimeHarness} fills, then resumes: a source of long keys, a keyed count, and a
 * sink that reports the first record it sees.
 */
final class RecoveryJob
{
    private RecoveryJob()
    {
    }

    /**
     * The first record seen by a sink: when, and the count it carried. Written by the keyed task thread
     * before the latch is counted down, read after it.
     */
    static final class FirstRecord
    {
        final CountDownLatch seen = new CountDownLatch(1);
        volatile long executeStart;
        long nanos;
        long count;

        void await(final JobHandle job) throws Exception
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RecoveryTimeHarness.CHILD_TIMEOUT_SECONDS);
            while (!seen.await(100, TimeUnit.MILLISECONDS))
            {
                if (job.status().isTerminal())
                {
                    job.await();
                    throw new IllegalStateException("job ended before its first record");
                }
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("no record within " + RecoveryTimeHarness.CHILD_TIMEOUT_SECONDS + " s");
                }
            }
        }
    }

    /**
     * Reports the first record: in the child it prints the protocol line at once, from the keyed task
     * thread (the sink is chained to it), so that the parent's clock sees it within microseconds.
     */
    static final class FirstRecordSink implements Sink<Long>
    {
        private final FirstRecord first;

        FirstRecordSink(final FirstRecord first)
        {
            this.first = first;
        }

        @Override
        public SinkWriter<Long> createWriter(final SinkContext context)
        {
            if (null == first)
            {
                return record ->
                {
                };
            }
            return new SinkWriter<>()
            {
                private boolean done;

                @Override
                public void write(final Long count)
                {
                    if (!done)
                    {
                        done = true;
                        report(count);
                    }
                }
            };
        }

        private void report(final long count)
        {
            first.nanos = System.nanoTime();
            first.count = count;
            if (first.executeStart != 0)
            {
                System.out.println(RecoveryTimeHarness.FIRST_LINE + " sinceExecuteNs=" + (first.nanos - first.executeStart) +
                    " count=" + count);
                System.out.flush();
            }
            first.seen.countDown();
        }
    }

    /**
     * Fill mode: keys 0 … N−1, one record each, then end of input (the final checkpoint records position
     * N). Probe mode (resumed or fresh): one record of key {@value RecoveryTimeHarness#PROBE_KEY}, then nothing until the job
     * is stopped, so no checkpoint is needed to end it.
     */
    static final class KeySource implements ReplayableSource<Long>
    {
        private final long keys;
        private final boolean probe;

        KeySource(final long keys, final boolean probe)
        {
            this.keys = keys;
            this.probe = probe;
        }

        @Override
        public ReplayableSourceReader<Long> createReader(final SourceContext context)
        {
            return probe ? new KeyReader(0, 1, true) : new KeyReader(0, keys, false);
        }

        @Override
        public ReplayableSourceReader<Long> createReader(final SourceContext context, final long position)
        {
            if (!probe)
            {
                throw new IllegalStateException("the fill starts fresh");
            }
            return new KeyReader(position, position + 1, true);
        }
    }

    /**
     * Emits keys from {@code next} to {@code end - 1}; in probe mode the single record is key
     * {@value RecoveryTimeHarness#PROBE_KEY}, after which the reader stays open and idle.
     */
    static final class KeyReader implements ReplayableSourceReader<Long>
    {
        private final boolean probe;
        private final long end;
        private long next;

        KeyReader(final long next, final long end, final boolean probe)
        {
            this.next = next;
            this.end = end;
            this.probe = probe;
        }

        @Override
        public int poll(final Collector<Long> output, final int maxRecords)
        {
            if (next >= end)
            {
                return probe ? 0 : END_OF_INPUT;
            }
            final int n = (int)Math.min(maxRecords, end - next);
            for (int i = 0; i < n; i++)
            {
                output.collect(probe ? RecoveryTimeHarness.PROBE_KEY : next);
                next++;
            }
            return n;
        }

        @Override
        public long position()
        {
            return next;
        }
    }
}
