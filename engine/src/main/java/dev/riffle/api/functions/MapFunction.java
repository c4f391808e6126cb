package dev.riffle.api.functions;

/**
 * One output record for each input record.
 *
 * @param <IN>  input type.
 * @param <OUT> output type; must not be null.
 */
@FunctionalInterface
public interface MapFunction<IN, OUT> extends Function
{
    /**
     * @param value the input record, never null; owned by the caller for the duration of the call.
     * @return the output record, not null. An exception fails the job (or restarts it, as configured).
     * @throws Exception on any user error.
     */
    OUT map(IN value) throws Exception;
}
