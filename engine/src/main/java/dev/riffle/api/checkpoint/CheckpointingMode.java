package dev.riffle.api.checkpoint;

/**
 * What a checkpoint guarantees about records between barriers.
 */
public enum CheckpointingMode
{
    /**
     * Barriers are aligned: a task with several inputs stops reading an input that delivered barrier
     * n until all have, so the snapshot reflects exactly the records before the barrier. With
     * replayable sources and a two-phase-commit sink, every record affects state and output once.
     */
    EXACTLY_ONCE,

    /**
     * No alignment: a task snapshots when the first barrier n arrives and keeps reading every input.
     * Lower latency under skew; after recovery, records that arrived on other inputs before their
     * barrier are processed again, so state may count them twice. Nothing is lost.
     */
    AT_LEAST_ONCE
}
