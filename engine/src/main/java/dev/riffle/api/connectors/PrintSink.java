package dev.riffle.api.connectors;

import dev.riffle.api.connector.Sink;
import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;

import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Prints every record's {@code toString()} as a line, by default to {@link System#out}. When the sink
 * runs with parallelism above one, each line starts with the 1-based instance number and
 * {@code "> "}, as Flink's print sink does: instance 0 prints {@code "1> record"}.
 * <p>
 * Lines are buffered per instance and written to the stream as whole lines, never torn or mixed with
 * another instance's: when the buffer exceeds 8 KiB, when a record arrives more than 100 ms after the
 * buffer was last written out, and at {@link SinkWriter#finish()} and {@link SinkWriter#close()}. So
 * the last lines of a stream that pauses appear when the next record arrives or the stream ends.
 * <p>
 * Thread-safety: instances write to the shared stream; {@link PrintStream} serializes them.
 *
 * @param <T> record type.
 */
public final class PrintSink<T> implements Sink<T>
{
    private static final int FLUSH_CHARS = 8 * 1024;
    private static final long FLUSH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final PrintStream out;

    /**
     * Prints to {@link System#out} as it is when the writers are created.
     */
    public PrintSink()
    {
        this.out = null;
    }

    /**
     * @param out where lines go; not closed by the sink.
     */
    public PrintSink(final PrintStream out)
    {
        this.out = Objects.requireNonNull(out, "print sink: out");
    }

    @Override
    public SinkWriter<T> createWriter(final SinkContext context)
    {
        final String prefix = context.parallelism() > 1 ? (context.subtask() + 1) + "> " : "";
        return new Writer<>(out != null ? out : System.out, prefix);
    }

    /**
     * Buffers lines of one instance; owned by its task thread.
     */
    private static final class Writer<T> implements SinkWriter<T>
    {
        private final PrintStream out;
        private final String prefix;
        private final StringBuilder buffer = new StringBuilder(FLUSH_CHARS * 2);
        private long lastFlushNanos = System.nanoTime();

        Writer(final PrintStream out, final String prefix)
        {
            this.out = out;
            this.prefix = prefix;
        }

        @Override
        public void write(final T record)
        {
            buffer.append(prefix).append(record).append(System.lineSeparator());
            final long now = System.nanoTime();
            if (buffer.length() >= FLUSH_CHARS || now - lastFlushNanos >= FLUSH_INTERVAL_NANOS)
            {
                flush();
                lastFlushNanos = now;
            }
        }

        @Override
        public void finish()
        {
            flush();
        }

        @Override
        public void close()
        {
            flush();
        }

        private void flush()
        {
            if (buffer.length() > 0)
            {
                out.print(buffer); // one synchronized write: whole lines, never torn
                buffer.setLength(0);
            }
            out.flush();
        }
    }
}
