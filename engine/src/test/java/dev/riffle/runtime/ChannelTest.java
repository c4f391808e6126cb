package dev.riffle.runtime;

import dev.riffle.runtime.channel.Channel;
import dev.riffle.runtime.channel.ChannelReader;
import dev.riffle.runtime.channel.ChannelWriter;
import dev.riffle.runtime.channel.SlotHandler;
import dev.riffle.runtime.channel.StreamSlot;
import dev.riffle.runtime.channel.TaskStoppedException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelTest
{
    @Test
    void deliversRecordsAndControlEventsInOrder() throws Exception
    {
        final Channel channel = new Channel("a -> b", 8);
        final ChannelWriter writer = new ChannelWriter(channel, new NoOpIdleStrategy(), () -> false);
        final Recorder recorder = new Recorder();
        final ChannelReader reader = new ChannelReader(channel, 3, recorder);

        writer.writeRecord("x", "k", 7, 11L);
        writer.writeRecord("y", null, 0, Long.MIN_VALUE);
        writer.writeControl(StreamSlot.END_OF_INPUT, Long.MIN_VALUE, 0);
        writer.writeRecord("after-control", null, 0, 0);

        assertEquals(3, reader.poll(100), "a control slot for which the handler returns false ends the poll");
        assertEquals(List.of("3:x:k:7:11", "3:y:null:0:" + Long.MIN_VALUE, "3:control:1"), recorder.events);
        assertEquals(1, reader.poll(100));
        assertEquals(0, reader.poll(100));
    }

    @Test
    void pollDeliversAtMostTheLimit() throws Exception
    {
        final Channel channel = new Channel("a -> b", 16);
        final ChannelWriter writer = new ChannelWriter(channel, new NoOpIdleStrategy(), () -> false);
        final Recorder recorder = new Recorder();
        final ChannelReader reader = new ChannelReader(channel, 0, recorder);
        for (int i = 0; i < 10; i++)
        {
            writer.writeRecord(i, null, 0, 0);
        }
        assertEquals(4, reader.poll(4));
        assertEquals(4, reader.poll(4));
        assertEquals(2, reader.poll(4));
        assertEquals(10, recorder.events.size());
    }

    @Test
    void consumedSlotsReleaseTheirRecords() throws Exception
    {
        final Channel channel = new Channel("a -> b", 2);
        final ChannelWriter writer = new ChannelWriter(channel, new NoOpIdleStrategy(), () -> false);
        final List<StreamSlot> seen = new ArrayList<>();
        final ChannelReader reader = new ChannelReader(channel, 0, new SlotHandler()
        {
            @Override
            public void onRecord(final int channelIndex, final StreamSlot slot)
            {
                seen.add(slot);
            }

            @Override
            public boolean onControl(final int channelIndex, final StreamSlot slot)
            {
                return true;
            }
        });
        writer.writeRecord(new Object(), "key", 1, 0);
        reader.poll(1);
        assertNull(seen.get(0).value());
        assertNull(seen.get(0).key());
    }

    @Test
    void fullChannelMakesTheProducerWaitUntilTheConsumerFreesASlot() throws Exception
    {
        final Channel channel = new Channel("a -> b", 4);
        final ChannelWriter writer = new ChannelWriter(channel, new BackoffIdleStrategy(), () -> false);
        final CountDownLatch started = new CountDownLatch(1);
        final CompletableFuture<Void> blockedWrite = CompletableFuture.runAsync(() ->
        {
            for (int i = 0; i < 4; i++)
            {
                writer.writeRecord(i, null, 0, 0);
            }
            started.countDown();
            writer.writeRecord(4, null, 0, 0);
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertFalse(blockedWrite.isDone(), "the fifth write must wait: the ring holds four");
        assertEquals(4, channel.backlog());

        final Recorder recorder = new Recorder();
        final ChannelReader reader = new ChannelReader(channel, 0, recorder);
        assertEquals(4, reader.poll(4));
        blockedWrite.get(10, TimeUnit.SECONDS);
        assertEquals(1, reader.poll(4));
        assertEquals("0:4:null:0:0", recorder.events.get(4));
    }

    @Test
    void waitingProducerStopsWhenTheJobStops() throws Exception
    {
        final Channel channel = new Channel("a -> b", 2);
        final AtomicBoolean stop = new AtomicBoolean();
        final ChannelWriter writer = new ChannelWriter(channel, new BackoffIdleStrategy(), stop::get);
        final CountDownLatch full = new CountDownLatch(1);
        final CompletableFuture<Void> blockedWrite = CompletableFuture.runAsync(() ->
        {
            writer.writeRecord(1, null, 0, 0);
            writer.writeRecord(2, null, 0, 0);
            full.countDown();
            writer.writeRecord(3, null, 0, 0);
        });
        assertTrue(full.await(10, TimeUnit.SECONDS));
        stop.set(true);
        final Exception ex = assertThrows(Exception.class, () -> blockedWrite.get(10, TimeUnit.SECONDS));
        assertSame(TaskStoppedException.INSTANCE, ex.getCause());
    }

    private static final class Recorder implements SlotHandler
    {
        final List<String> events = new ArrayList<>();

        @Override
        public void onRecord(final int channelIndex, final StreamSlot slot)
        {
            events.add(channelIndex + ":" + slot.value() + ':' + slot.key() + ':' + slot.keyGroup() + ':' +
                slot.timestamp());
        }

        @Override
        public boolean onControl(final int channelIndex, final StreamSlot slot)
        {
            events.add(channelIndex + ":control:" + slot.kind());
            return false;
        }
    }
}
