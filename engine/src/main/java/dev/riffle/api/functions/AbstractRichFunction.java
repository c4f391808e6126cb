package dev.riffle.api.functions;

/**
 * Base class for rich functions that keeps the {@link RuntimeContext} given to
 * {@link #open(RuntimeContext)}, as {@code getRuntimeContext()} in Flink.
 */
public abstract class AbstractRichFunction implements RichFunction
{
    private static final long serialVersionUID = 1L;

    private transient RuntimeContext runtimeContext;

    /**
     * Stores the context; overriding methods must call {@code super.open(context)} or use the
     * argument directly.
     *
     * @param context the runtime context of this parallel instance.
     * @throws Exception never here; subclasses may throw.
     */
    @Override
    public void open(final RuntimeContext context) throws Exception
    {
        this.runtimeContext = context;
    }

    /**
     * @return the context given to {@link #open(RuntimeContext)}.
     * @throws IllegalStateException if called before open.
     */
    public RuntimeContext getRuntimeContext()
    {
        if (null == runtimeContext)
        {
            throw new IllegalStateException("runtime context is only available after open()");
        }
        return runtimeContext;
    }
}
