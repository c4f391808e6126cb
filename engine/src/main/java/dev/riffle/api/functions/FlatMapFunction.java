package dev.riffle.api.functions;

/**
 * Zero, one or many output records for each input record.
 *
 * @param <IN>  input type.
 * @param <OUT> output type.
 */
@FunctionalInterface
public interface FlatMapFunction<IN, OUT> extends Function
{
    /**
     * @param value the input record, never null.
     * @param out   where results go; valid only during this call and on the calling thread.
     * @throws Exception on any user error; fails the job or restarts it as configured.
     */
    void flatMap(IN value, Collector<OUT> out) throws Exception;
}
