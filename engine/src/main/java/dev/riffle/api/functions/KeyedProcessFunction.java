package dev.riffle.api.functions;

/**
 * A process function on a keyed stream: keyed state obtained from the runtime context is scoped to
 * the key of the record being processed.
 *
 * @param <K>   key type.
 * @param <IN>  input type.
 * @param <OUT> output type.
 */
public abstract class KeyedProcessFunction<K, IN, OUT> extends AbstractRichFunction
{
    /**
     * @param value the record.
     * @param ctx   the record's context; valid only during this call.
     * @param out   where results go; valid only during this call.
     * @throws Exception on any user error.
     */
    public abstract void processElement(IN value, Context<K> ctx, Collector<OUT> out) throws Exception;

    /**
     * Per-record context, reused by the runtime: do not keep it.
     *
     * @param <K> key type.
     */
    public interface Context<K>
    {
        /**
         * @return the record's timestamp in milliseconds, or {@link Long#MIN_VALUE} if it has none.
         */
        long timestamp();

        /**
         * @return the key of the record being processed.
         */
        K getCurrentKey();
    }
}
