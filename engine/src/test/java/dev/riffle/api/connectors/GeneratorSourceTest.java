package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.SourceReader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static dev.riffle.api.connectors.Readers.context;
import static dev.riffle.api.connectors.Readers.drain;
import static dev.riffle.api.connectors.Readers.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GeneratorSourceTest
{
    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void emitsTheGeneratorOfEveryIndexInOrder() throws Exception
    {
        final GeneratorSource<String> source = new GeneratorSource<>(5, i -> "r" + i);
        assertEquals(List.of("r0", "r1", "r2", "r3", "r4"), drain(source.createReader(context(0, 1)), 2));
    }

    @Test
    void isDeterministic() throws Exception
    {
        final GeneratorSource<Long> source = new GeneratorSource<>(10_000, i -> i * 31 % 977);
        assertEquals(readAll(source, 3, 100), readAll(source, 3, 7));
        assertEquals(drain(source.createReader(context(0, 1)), 64), drain(source.createReader(context(0, 1)), 5));
    }

    @Test
    void instanceSOfPEmitsTheIndicesCongruentToSModuloP() throws Exception
    {
        for (final int parallelism : new int[] {1, 2, 3, 7, 20})
        {
            final List<List<Long>> byInstance = readAll(new GeneratorSource<>(17, i -> i), parallelism, 4);
            final List<Long> union = new ArrayList<>();
            for (int s = 0; s < parallelism; s++)
            {
                final int subtask = s;
                assertEquals(LongStream.range(0, 17).filter(i -> i % parallelism == subtask).boxed().collect(Collectors.toList()),
                    byInstance.get(s));
                union.addAll(byInstance.get(s));
            }
            union.sort(null);
            assertEquals(LongStream.range(0, 17).boxed().collect(Collectors.toList()), union);
        }
    }

    @Test
    void zeroRecordsEndAtOnce() throws Exception
    {
        final SourceReader<Long> reader = new GeneratorSource<>(0, i -> i).createReader(context(0, 1));
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(r -> { throw new AssertionError(); }, 10));
    }

    @Test
    void rejectsBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new GeneratorSource<>(-1, i -> i));
        assertThrows(IllegalArgumentException.class, () -> new GeneratorSource<>(1, i -> i, Double.NaN));
        assertThrows(NullPointerException.class, () -> new GeneratorSource<>(1, null));
        assertEquals(0, new GeneratorSource<>(1, i -> i, -5).recordsPerSecond());
        assertEquals(0, new GeneratorSource<>(1, i -> i, Double.POSITIVE_INFINITY).recordsPerSecond());
    }

    @Test
    void reportsNextIndexAndResumesThere() throws Exception
    {
        final GeneratorSource<Long> source = new GeneratorSource<>(10, i -> i);
        final ReplayableSourceReader<Long> reader = source.createReader(context(1, 3));
        assertEquals(1, reader.position());
        final List<Long> out = new ArrayList<>();
        assertEquals(2, reader.poll(out::add, 2));
        assertEquals(List.of(1L, 4L), out);
        assertEquals(7, reader.position());
        assertEquals(List.of(7L), drain(source.createReader(context(1, 3), reader.position()), 10));
        drain(reader, 10);
        assertEquals(10, reader.position());
        assertEquals(List.of(), drain(source.createReader(context(1, 3), 10), 10));
        assertThrows(IllegalArgumentException.class, () -> source.createReader(context(1, 3), 6));
        assertThrows(IllegalArgumentException.class, () -> source.createReader(context(1, 3), 11));
        assertThrows(IllegalArgumentException.class, () -> source.createReader(context(3, 3)));
    }

    @Test
    void handlesCountsNearLongMax() throws Exception
    {
        final long count = Long.MAX_VALUE;
        final GeneratorSource<Long> source = new GeneratorSource<>(count, i -> i);
        final ReplayableSourceReader<Long> reader = source.createReader(context(0, 2), count - 3);
        assertEquals(List.of(count - 3, count - 1), drain(reader, 10));
        assertEquals(count, reader.position());
    }

    @Test
    void pollReturnsZeroWhenAheadOfTheTargetRate() throws Exception
    {
        final AtomicLong now = new AtomicLong(5 * SECOND);
        final GeneratorSource<Long> source = new GeneratorSource<>(10_000, i -> i, 1000, now::get);
        final ReplayableSourceReader<Long> reader = source.createReader(context(0, 1));
        final List<Long> out = new ArrayList<>();

        assertEquals(1, reader.poll(out::add, 100), "the first record is due at once");
        assertEquals(0, reader.poll(out::add, 100));
        now.addAndGet(MILLI / 2);
        assertEquals(0, reader.poll(out::add, 100));
        now.addAndGet(MILLI / 2);
        assertEquals(1, reader.poll(out::add, 100), "one record per millisecond");
        now.addAndGet(10 * MILLI);
        assertEquals(10, reader.poll(out::add, 100));
        now.addAndGet(SECOND);
        assertEquals(100, reader.poll(out::add, 100), "catching up, at most maxRecords per poll");
        int caughtUp = 0;
        int n;
        while ((n = reader.poll(out::add, 100)) > 0)
        {
            caughtUp += n;
        }
        assertEquals(0, n);
        assertEquals(1012, out.size(), "records due after 1.011 s at 1000/s");
        assertEquals(1012 - 112, caughtUp);
        assertEquals(LongStream.range(0, 1012).boxed().collect(Collectors.toList()), out);
    }

    @Test
    void splitsTheRateEvenlyOverInstances() throws Exception
    {
        final AtomicLong now = new AtomicLong(0);
        final GeneratorSource<Long> source = new GeneratorSource<>(1_000_000, i -> i, 1000, now::get);
        final List<ReplayableSourceReader<Long>> readers = new ArrayList<>();
        for (int s = 0; s < 4; s++)
        {
            readers.add(source.createReader(context(s, 4)));
            readers.get(s).poll(r -> { }, 1000); // starts the schedule
        }
        now.addAndGet(SECOND);
        long total = 0;
        for (final ReplayableSourceReader<Long> reader : readers)
        {
            final int n = reader.poll(r -> { }, 10_000);
            assertEquals(250, n, "250 records/s per instance");
            total += n + 1;
        }
        assertEquals(1004, total);
    }

    @Test
    void endsOnScheduleWhenThrottled() throws Exception
    {
        final AtomicLong now = new AtomicLong(0);
        final ReplayableSourceReader<Long> reader = new GeneratorSource<>(3, i -> i, 10, now::get).createReader(context(0, 1));
        assertEquals(1, reader.poll(r -> { }, 10));
        assertEquals(0, reader.poll(r -> { }, 10));
        now.addAndGet(SECOND);
        assertEquals(2, reader.poll(r -> { }, 10));
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(r -> { }, 10));
    }

    @Test
    void unthrottledNeverReadsTheClock() throws Exception
    {
        final GeneratorSource<Long> source = new GeneratorSource<>(1000, i -> i, 0, () ->
        {
            throw new AssertionError("clock read");
        });
        assertEquals(1000, drain(source.createReader(context(0, 1)), 1000).size());
    }
}
