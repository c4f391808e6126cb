package dev.riffle.runtime;

import dev.riffle.api.JobHandle;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.StreamEnvironment;
import dev.riffle.api.connectors.CollectSink;
import dev.riffle.api.connectors.Ingress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The service threads (checkpoint control, snapshots) go to {@code serviceCpuAffinity}, and task threads
 * without an affinity of their own keep the job creator's instead of inheriting the control thread's.
 * Read from {@code /proc}: Linux with two or more CPUs only.
 */
class ServiceCpuAffinityTest
{
    private static final Path TASKS = Path.of("/proc/self/task");

    @TempDir
    Path checkpoints;

    @Test
    void serviceThreadsArePinnedAndTaskThreadsKeepTheCreatorsCpus() throws Exception
    {
        assumeTrue(Files.isDirectory(TASKS) && Runtime.getRuntime().availableProcessors() >= 2,
            "needs Linux's /proc and two CPUs");
        final String creatorCpus = cpusAllowed(Path.of("/proc/thread-self"));
        final String serviceCpu = String.valueOf(Runtime.getRuntime().availableProcessors() - 1);
        final Ingress<Long> ingress = new Ingress<>(64);
        final RiffleConfig config = new RiffleConfig().serviceCpuAffinity(Integer.parseInt(serviceCpu));
        config.checkpointing().interval(Duration.ofMillis(20)).directory(checkpoints);
        final StreamEnvironment env = StreamEnvironment.create(config);
        env.fromSource(ingress, "Feed").keyBy(i -> i % 7).count().sinkTo(new CollectSink<>());
        final JobHandle job = env.executeAsync("pin");
        try
        {
            ingress.offer(1L);
            // a completed checkpoint has run all three threads past the pinning at their start
            final long deadline = System.nanoTime() + Jobs.TIMEOUT.toNanos();
            while (job.completedCheckpoints() < 1)
            {
                assertTrue(System.nanoTime() < deadline, "no checkpoint completed in time");
                assertTrue(!job.await(Duration.ofMillis(5)), "the job ended before a checkpoint");
            }
            // thread names as the kernel keeps them: at most 15 characters
            final Map<String, String> cpus = threadCpus(List.of("riffle-pin-snap", "riffle-pin-cont", "Feed (1/1)"));

            assertEquals(serviceCpu, cpus.get("riffle-pin-snap"), "snapshot thread's CPUs");
            assertEquals(serviceCpu, cpus.get("riffle-pin-cont"), "control thread's CPUs");
            assertEquals(creatorCpus, cpus.get("Feed (1/1)"), "an unpinned task thread's CPUs");
        }
        finally
        {
            ingress.close();
            assertTrue(job.await(Jobs.TIMEOUT), "the job ends once its ingress is closed");
        }
    }

    @Test
    void aNegativeServiceCpuIsRefusedWhenTheJobIsBuilt()
    {
        final RiffleConfig config = new RiffleConfig().serviceCpuAffinity(0, -1);

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, config::conclude);

        assertTrue(ex.getMessage().contains("serviceCpuAffinity has a negative CPU: [0, -1]"), ex.getMessage());
    }

    /**
     * @return per thread of the given kernel names, the CPUs it may run on ({@code Cpus_allowed_list}).
     */
    private static Map<String, String> threadCpus(final List<String> names) throws IOException
    {
        final Map<String, String> found = new HashMap<>();
        try (Stream<Path> tasks = Files.list(TASKS))
        {
            tasks.forEach(task ->
            {
                final String name = commOf(task);
                if (names.contains(name))
                {
                    found.put(name, cpusAllowed(task));
                }
            });
        }
        assertEquals(names.size(), found.size(), () -> "threads " + names + ", found " + found);
        return found;
    }

    private static String commOf(final Path task)
    {
        try
        {
            return Files.readString(task.resolve("comm")).trim();
        }
        catch (final IOException ex)
        {
            return ""; // the thread ended meanwhile
        }
    }

    private static String cpusAllowed(final Path task)
    {
        try
        {
            return Files.readAllLines(task.resolve("status")).stream()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> line.substring("Cpus_allowed_list:".length()).trim())
                .findFirst().orElseThrow();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
