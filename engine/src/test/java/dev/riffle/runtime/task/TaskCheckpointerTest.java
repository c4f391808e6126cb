package dev.riffle.runtime.task;

import dev.riffle.runtime.channel.ChannelWriter;
import dev.riffle.runtime.checkpoint.CheckpointResponder;
import dev.riffle.runtime.checkpoint.OperatorSubtaskState;
import dev.riffle.runtime.operators.OperatorIdentity;
import dev.riffle.state.KeyedStateBackend;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The asynchronous phase of a task with several keyed participants: when one fails to write, the
 * checkpoint is declined with its failure and the snapshots after it are discarded, not left pending.
 */
class TaskCheckpointerTest
{
    @Test
    void aFailedWriteDeclinesTheCheckpointAndDiscardsTheSnapshotsNotWrittenYet() throws Exception
    {
        final List<String> events = new ArrayList<>();
        final IOException diskFull = new IOException("disk full");
        final RecordingResponder responder = new RecordingResponder();
        final TaskCheckpointer checkpointer = new TaskCheckpointer(0, List.of(
            participant(0, new Recorded("first", events, null)),
            participant(1, new Recorded("second", events, diskFull)),
            participant(2, new Recorded("third", events, null)),
            participant(3, new Recorded("fourth", events, null))),
            null, new ChannelWriter[0], responder, Runnable::run, () -> 0L);

        checkpointer.checkpoint(5, false);

        assertEquals(List.of("first written", "second failed", "third discarded", "fourth discarded"), events);
        assertSame(diskFull, responder.declined, "declined with the write's failure");
        assertEquals(0, responder.acknowledged);
    }

    @Test
    void aCheckpointThatAllWriteIsAcknowledgedAndDiscardsNothing() throws Exception
    {
        final List<String> events = new ArrayList<>();
        final RecordingResponder responder = new RecordingResponder();
        final TaskCheckpointer checkpointer = new TaskCheckpointer(0, List.of(
            participant(0, new Recorded("first", events, null)),
            participant(1, new Recorded("second", events, null))),
            null, new ChannelWriter[0], responder, Runnable::run, () -> 0L);

        checkpointer.checkpoint(5, false);

        assertEquals(List.of("first written", "second written"), events);
        assertEquals(1, responder.acknowledged);
        assertTrue(null == responder.declined);
    }

    private static TaskCheckpointer.Participant participant(final int operator, final KeyedStateSnapshot snapshot)
    {
        final KeyedStateBackend backend = (KeyedStateBackend)Proxy.newProxyInstance(
            TaskCheckpointerTest.class.getClassLoader(), new Class<?>[]{KeyedStateBackend.class},
            (proxy, method, args) ->
            {
                if (method.getName().equals("snapshot"))
                {
                    return snapshot;
                }
                throw new UnsupportedOperationException(method.getName());
            });
        return new TaskCheckpointer.Participant(new OperatorIdentity(operator, "op-" + operator, 0, 1, 128), backend,
            null, false);
    }

    /**
     * A snapshot that notes what happened to it, and fails its write with {@code failure} if not null.
     */
    private record Recorded(String name, List<String> events, IOException failure) implements KeyedStateSnapshot
    {
        @Override
        public KeyedStateHandle write(final Path checkpointDirectory, final String filePrefix) throws IOException
        {
            if (null != failure)
            {
                events.add(name + " failed");
                throw failure;
            }
            events.add(name + " written");
            return new KeyedStateHandle(0, 127, "test", List.of());
        }

        @Override
        public void discard()
        {
            events.add(name + " discarded");
        }
    }

    private static final class RecordingResponder implements CheckpointResponder
    {
        int acknowledged;
        Throwable declined;

        @Override
        public Path directoryOf(final long checkpointId)
        {
            return Path.of("chk-" + checkpointId);
        }

        @Override
        public void acknowledge(final int attempt, final long checkpointId, final List<OperatorSubtaskState> states)
        {
            acknowledged++;
        }

        @Override
        public void decline(final int attempt, final long checkpointId, final Throwable cause)
        {
            declined = cause;
        }

        @Override
        public void sourceEnded(final int attempt)
        {
        }
    }
}
