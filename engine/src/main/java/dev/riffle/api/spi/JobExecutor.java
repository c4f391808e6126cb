package dev.riffle.api.spi;

import dev.riffle.api.JobHandle;
import dev.riffle.api.RiffleConfig;
import dev.riffle.api.graph.Transformation;

import java.util.List;

/**
 * Service-provider interface through which the API hands a job to the runtime without depending on
 * it. The runtime registers its implementation in {@code META-INF/services}; the API finds it with
 * {@link java.util.ServiceLoader}. Users do not implement this.
 */
public interface JobExecutor
{
    /**
     * Plans and starts the job; returns once every task thread has been started or the job failed to
     * start.
     *
     * @param jobName         job name.
     * @param config          concluded configuration.
     * @param transformations every node of the logical graph, in creation order.
     * @return a handle on the running job.
     * @throws IllegalArgumentException if the graph cannot be planned (the message says why).
     */
    JobHandle start(String jobName, RiffleConfig config, List<Transformation<?>> transformations);
}
