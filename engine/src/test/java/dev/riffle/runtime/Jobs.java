package dev.riffle.runtime;

import dev.riffle.api.JobExecutionException;
import dev.riffle.api.JobHandle;
import dev.riffle.api.StreamEnvironment;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs jobs in tests with a bound on every wait, so that a hang fails the test instead of the build.
 */
final class Jobs
{
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Jobs()
    {
    }

    static JobHandle run(final StreamEnvironment env, final String jobName) throws Exception
    {
        final JobHandle handle = env.executeAsync(jobName);
        assertTrue(handle.await(TIMEOUT), () -> "job " + jobName + " did not end within " + TIMEOUT);
        assertNoThreadsLeft(jobName);
        return handle;
    }

    static JobExecutionException runExpectingFailure(final StreamEnvironment env, final String jobName) throws Exception
    {
        final JobHandle handle = env.executeAsync(jobName);
        try
        {
            assertTrue(handle.await(TIMEOUT), () -> "job " + jobName + " did not end within " + TIMEOUT);
        }
        catch (final JobExecutionException ex)
        {
            assertNoThreadsLeft(jobName);
            return ex;
        }
        throw new AssertionError("job " + jobName + " was expected to fail but finished");
    }

    static void assertNoThreadsLeft(final String jobName)
    {
        final List<String> alive = Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.startsWith("riffle-" + jobName + '-'))
            .collect(Collectors.toList());
        assertEquals(List.of(), alive, "engine threads left running after the job ended");
    }
}
