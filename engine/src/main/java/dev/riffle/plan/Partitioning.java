package dev.riffle.plan;

/**
 * How records of one operator's instances reach the instances of the next operator across a channel.
 */
public enum Partitioning
{
    /**
     * Instance {@code i} feeds instance {@code i} only; requires equal parallelism. Chained when possible.
     */
    FORWARD,

    /**
     * Each producer instance sends to every consumer instance in turn (round robin): used when
     * parallelism changes without a key.
     */
    REBALANCE,

    /**
     * {@code keyBy}: the key's key group decides the consumer instance, exactly as Flink does.
     */
    HASH
}
