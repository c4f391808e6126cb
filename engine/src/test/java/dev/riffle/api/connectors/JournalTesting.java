package dev.riffle.api.connectors;

import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.connector.SourceReader;
import dev.riffle.api.state.TypeSerializer;
import dev.riffle.api.state.serialization.Serializers;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Helpers for the journaled ingress tests: bounded waits, and raw access to segment files to forge
 * what a dead process leaves behind.
 */
final class JournalTesting
{
    static final SourceContext CONTEXT = new SourceContext("journaled-ingress", 0, 1);
    static final TypeSerializer<String> STRINGS = Serializers.forType(String.class);
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private JournalTesting()
    {
    }

    /**
     * Polls until {@code count} records arrived; when a poll finds nothing, parks 50 µs (an idle
     * strategy, not a correctness sleep). Fails after 30 s.
     */
    static <T> List<T> read(final SourceReader<T> reader, final int count) throws Exception
    {
        final List<T> out = new ArrayList<>();
        final long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (out.size() < count)
        {
            final int n = reader.poll(out::add, Math.min(256, count - out.size()));
            assertTrue(n != SourceReader.END_OF_INPUT, "input ended after " + out.size() + " of " + count);
            if (n == 0)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    fail("only " + out.size() + " of " + count + " records arrived in time");
                }
                LockSupport.parkNanos(50_000);
            }
        }
        return out;
    }

    /**
     * Reads until a poll finds nothing: returns what the journal holds now (no writer is active).
     */
    static <T> List<T> readAvailable(final SourceReader<T> reader) throws Exception
    {
        final List<T> out = new ArrayList<>();
        int n;
        while ((n = reader.poll(out::add, 1000)) > 0)
        {
            assertTrue(out.size() < 10_000_000, "runaway reader");
        }
        assertEquals(0, n, "input ended");
        return out;
    }

    /**
     * Maps a segment file of a journal directory and hands its buffer to {@code edit}.
     */
    static void editSegment(final Path directory, final long segmentStart, final Consumer<UnsafeBuffer> edit)
    {
        final Path file = directory.resolve(String.format("journal-%019d.log", segmentStart));
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file.toFile(), "test");
        try
        {
            edit.accept(new UnsafeBuffer(mapped));
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    static List<String> segmentFiles(final Path directory) throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("journal-")).sorted().toList();
        }
    }

    static JournaledIngressConfig config(final int capacity, final int segmentSize)
    {
        return new JournaledIngressConfig().capacity(capacity).segmentSize(segmentSize);
    }
}
