package dev.riffle.api.connectors;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EgressSinkTest
{
    @Test
    void handsEveryRecordToTheEgressAndEndsOnceAfterEveryInstanceFinished() throws Exception
    {
        final List<String> received = new ArrayList<>();
        final AtomicInteger ends = new AtomicInteger();
        final Egress<String> egress = new Egress<>()
        {
            @Override
            public synchronized void accept(final String record)
            {
                received.add(record);
            }

            @Override
            public void onEnd()
            {
                ends.incrementAndGet();
            }
        };
        final EgressSink<String> sink = new EgressSink<>(egress);
        final List<SinkWriter<String>> writers = new ArrayList<>();
        for (int s = 0; s < 3; s++)
        {
            writers.add(sink.createWriter(new SinkContext("egress", s, 3)));
        }
        writers.get(0).write("a");
        writers.get(2).write("b");
        writers.get(1).write("c");
        assertEquals(List.of("a", "b", "c"), received);

        writers.get(2).finish();
        writers.get(0).finish();
        assertEquals(0, ends.get(), "ended before every instance finished");
        writers.get(1).finish();
        assertEquals(1, ends.get());
        for (final SinkWriter<String> writer : writers)
        {
            writer.close();
        }
        assertEquals(1, ends.get());
    }

    @Test
    void egressErrorsReachTheCaller() throws Exception
    {
        final IllegalStateException boom = new IllegalStateException("host refused");
        final SinkWriter<String> writer = new EgressSink<String>(r ->
        {
            throw boom;
        }).createWriter(new SinkContext("egress", 0, 1));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> writer.write("x")));
        writer.finish(); // default onEnd does nothing
    }

    @Test
    void rejectsNullEgress()
    {
        assertThrows(NullPointerException.class, () -> new EgressSink<String>(null));
    }
}
