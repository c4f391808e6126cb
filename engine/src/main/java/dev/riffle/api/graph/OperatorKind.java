package dev.riffle.api.graph;

/**
 * What a {@link OneInputTransformation} does with each record; the runtime picks the operator
 * implementation from it.
 */
public enum OperatorKind
{
    /** {@code MapFunction}. */
    MAP,
    /** {@code FlatMapFunction}. */
    FLAT_MAP,
    /** {@code FilterFunction}. */
    FILTER,
    /** {@code ProcessFunction}. */
    PROCESS,
    /** {@code KeyedProcessFunction}; requires a keyed input. */
    KEYED_PROCESS,
    /** {@code ReduceFunction} over a keyed input, emitting the running result per record. */
    REDUCE,
    /** {@code AggregateFunction} over a keyed input, emitting the running result per record. */
    AGGREGATE
}
