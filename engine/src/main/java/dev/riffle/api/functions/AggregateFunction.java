package dev.riffle.api.functions;

/**
 * Incremental aggregation with an accumulator of a possibly different type than input and result,
 * as in Flink: {@code createAccumulator}, {@code add}, {@code getResult}, {@code merge}.
 *
 * @param <IN>  input type.
 * @param <ACC> accumulator type.
 * @param <OUT> result type.
 */
public interface AggregateFunction<IN, ACC, OUT> extends Function
{
    /**
     * @return a new, empty accumulator.
     */
    ACC createAccumulator();

    /**
     * @param value       input value.
     * @param accumulator the accumulator; may be mutated and returned.
     * @return the updated accumulator.
     */
    ACC add(IN value, ACC accumulator);

    /**
     * @param accumulator the accumulator.
     * @return the result it stands for.
     */
    OUT getResult(ACC accumulator);

    /**
     * @param a one accumulator.
     * @param b another accumulator.
     * @return an accumulator holding both.
     */
    ACC merge(ACC a, ACC b);
}
