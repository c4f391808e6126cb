package dev.riffle.api.connectors;

import dev.riffle.api.connector.SinkContext;
import dev.riffle.api.connector.SinkWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrintSinkTest
{
    private static final String NL = System.lineSeparator();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8);

    @Test
    void printsToStringLinesWithoutPrefixAtParallelismOne() throws Exception
    {
        final SinkWriter<Object> writer = new PrintSink<>(out).createWriter(new SinkContext("print", 0, 1));
        writer.write("hello");
        writer.write(List.of(1, 2));
        writer.finish();
        writer.close();
        assertEquals("hello" + NL + "[1, 2]" + NL, printed());
    }

    @Test
    void prefixesTheOneBasedInstanceNumberAtHigherParallelism() throws Exception
    {
        final PrintSink<String> sink = new PrintSink<>(out);
        final SinkWriter<String> first = sink.createWriter(new SinkContext("print", 0, 3));
        final SinkWriter<String> third = sink.createWriter(new SinkContext("print", 2, 3));
        first.write("a");
        first.finish();
        third.write("b");
        third.write("c");
        third.finish();
        assertEquals("1> a" + NL + "3> b" + NL + "3> c" + NL, printed());
    }

    @Test
    void closeFlushesWhatFinishDidNot() throws Exception
    {
        final SinkWriter<String> writer = new PrintSink<String>(out).createWriter(new SinkContext("print", 0, 1));
        writer.write("x");
        writer.close();
        assertEquals("x" + NL, printed());
    }

    @Test
    void writesWholeLinesWhenTheBufferFills() throws Exception
    {
        final SinkWriter<Integer> writer = new PrintSink<Integer>(out).createWriter(new SinkContext("print", 1, 2));
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++)
        {
            writer.write(i);
            expected.add("2> " + i);
        }
        final String beforeFinish = printed();
        assertEquals(true, beforeFinish.isEmpty() || beforeFinish.endsWith(NL), "only whole lines are written");
        writer.finish();
        assertEquals(String.join(NL, expected) + NL, printed());
    }

    @Test
    void defaultsToSystemOut() throws Exception
    {
        final PrintStream original = System.out;
        System.setOut(out);
        try
        {
            final SinkWriter<String> writer = new PrintSink<String>().createWriter(new SinkContext("print", 0, 1));
            writer.write("to stdout");
            writer.finish();
        }
        finally
        {
            System.setOut(original);
        }
        assertEquals("to stdout" + NL, printed());
    }

    private String printed()
    {
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
