package dev.riffle.api;

import dev.riffle.api.graph.SinkTransformation;

/**
 * The end of a stream in a sink; lets the sink be named and its parallelism set.
 *
 * @param <T> record type.
 */
public final class DataStreamSink<T>
{
    private final StreamEnvironment environment;
    private final SinkTransformation<T> transformation;

    DataStreamSink(final StreamEnvironment environment, final SinkTransformation<T> transformation)
    {
        this.environment = environment;
        this.transformation = transformation;
    }

    /**
     * @param name operator name.
     * @return this.
     */
    public DataStreamSink<T> name(final String name)
    {
        environment.checkNotExecuted();
        transformation.name(name);
        return this;
    }

    /**
     * @param parallelism 1 to maxParallelism.
     * @return this.
     */
    public DataStreamSink<T> setParallelism(final int parallelism)
    {
        environment.checkNotExecuted();
        DataStream.checkParallelism(environment, transformation.name(), parallelism);
        transformation.parallelism(parallelism);
        return this;
    }
}
