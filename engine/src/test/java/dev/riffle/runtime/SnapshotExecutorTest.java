package dev.riffle.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotExecutorTest
{
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final ThreadFactory factory = runnable ->
    {
        final Thread thread = new Thread(runnable, "snapshot-executor-test");
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    };

    @Test
    void runsWorkInOrderAndDrainsItOnShutdown() throws Exception
    {
        final SnapshotExecutor executor = new SnapshotExecutor("snapshots", factory);
        final List<Integer> ran = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> await(release));
        for (int i = 0; i < 100; i++)
        {
            final int n = i;
            executor.execute(() -> ran.add(n));
        }
        executor.shutdown();
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> ran.add(-1)));
        release.countDown();
        threads.get(0).join(TimeUnit.SECONDS.toMillis(30));

        assertFalse(threads.get(0).isAlive(), "the snapshot thread stopped once the work was done");
        assertEquals(100, ran.size());
        for (int i = 0; i < 100; i++)
        {
            assertEquals(i, ran.get(i));
        }
    }

    @Test
    void workHandedToTheSleepingThreadWakesIt() throws Exception
    {
        // an hour-long idle park: work that waited for the park's bound instead of a wake-up would time out
        final SnapshotExecutor executor = new SnapshotExecutor("snapshots", factory, TimeUnit.HOURS.toNanos(1));
        for (int i = 0; i < 200; i++)
        {
            if (i % 2 == 0)
            {
                awaitSleeping(executor); // half hand over to a parked thread, half race its way to the park
            }
            final CountDownLatch ran = new CountDownLatch(1);
            executor.execute(ran::countDown);
            assertTrue(ran.await(30, TimeUnit.SECONDS), "work " + i + " ran");
        }
        awaitSleeping(executor);
        executor.shutdown();
        threads.get(0).join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(threads.get(0).isAlive(), "shutdown woke the sleeping thread, which stopped");
    }

    private static void awaitSleeping(final SnapshotExecutor executor) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!executor.sleeping())
        {
            assertTrue(System.nanoTime() < deadline, "the idle snapshot thread went to sleep");
            Thread.sleep(1);
        }
    }

    @Test
    void shutdownNowInterruptsTheRunningWorkAndDropsTheRest() throws Exception
    {
        final SnapshotExecutor executor = new SnapshotExecutor("snapshots", factory);
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final List<Integer> ran = new CopyOnWriteArrayList<>();
        executor.execute(() ->
        {
            started.countDown();
            try
            {
                new CountDownLatch(1).await();
            }
            catch (final InterruptedException ex)
            {
                interrupted.countDown();
            }
        });
        executor.execute(() -> ran.add(1));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        executor.shutdownNow();

        assertTrue(interrupted.await(30, TimeUnit.SECONDS), "running work interrupted");
        threads.get(0).join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(threads.get(0).isAlive());
        assertEquals(List.of(), ran, "queued work dropped");
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
