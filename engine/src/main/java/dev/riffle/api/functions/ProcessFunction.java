package dev.riffle.api.functions;

/**
 * The most general one-input function: sees each record with its timestamp and emits any number of
 * results.
 *
 * @param <IN>  input type.
 * @param <OUT> output type.
 */
public abstract class ProcessFunction<IN, OUT> extends AbstractRichFunction
{
    /**
     * @param value the record.
     * @param ctx   the record's context; valid only during this call.
     * @param out   where results go; valid only during this call.
     * @throws Exception on any user error.
     */
    public abstract void processElement(IN value, Context ctx, Collector<OUT> out) throws Exception;

    /**
     * Per-record context, reused by the runtime: do not keep it.
     */
    public interface Context
    {
        /**
         * @return the record's timestamp in milliseconds, or {@link Long#MIN_VALUE} if it has none.
         */
        long timestamp();
    }
}
