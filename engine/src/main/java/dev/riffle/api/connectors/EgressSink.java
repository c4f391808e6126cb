package dev.riffle.api.connectors;

import dev.riffle.api.connector.Sink;
import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands every record to an {@link Egress} of the host application, on the sink's task threads, and
 * calls {@link Egress#onEnd()} once when every instance has reached end of input.
 * <p>
 * Thread-safety: the sink may be shared; see {@link Egress} for the threads that call the egress.
 * One sink serves one job run: its end-of-input count is not reset.
 *
 * @param <T> record type.
 */
public final class EgressSink<T> implements Sink<T>
{
    private final Egress<? super T> egress;
    private final AtomicInteger finishedWriters = new AtomicInteger();

    /**
     * @param egress where records go.
     */
    public EgressSink(final Egress<? super T> egress)
    {
        this.egress = Objects.requireNonNull(egress, "egress sink: egress");
    }

    @Override
    public SinkWriter<T> createWriter(final SinkContext context)
    {
        return new Writer<>(egress, finishedWriters, context.parallelism());
    }

    /**
     * Calls the egress for one instance; owned by its task thread.
     */
    private static final class Writer<T> implements SinkWriter<T>
    {
        private final Egress<? super T> egress;
        private final AtomicInteger finishedWriters;
        private final int parallelism;

        Writer(final Egress<? super T> egress, final AtomicInteger finishedWriters, final int parallelism)
        {
            this.egress = egress;
            this.finishedWriters = finishedWriters;
            this.parallelism = parallelism;
        }

        @Override
        public void write(final T record) throws Exception
        {
            egress.accept(record);
        }

        @Override
        public void finish() throws Exception
        {
            if (finishedWriters.incrementAndGet() == parallelism)
            {
                egress.onEnd();
            }
        }
    }
}
