package dev.riffle.api.connector;

/**
 * Identifies a parallel instance of a sink.
 *
 * @param name        operator name.
 * @param subtask     0-based index of this instance.
 * @param parallelism number of instances.
 */
public record SinkContext(String name, int subtask, int parallelism)
{
}
