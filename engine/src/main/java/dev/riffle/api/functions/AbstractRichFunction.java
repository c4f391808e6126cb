package dev.riffle.api.functions;

/**
 * Base class for rich functions that keeps the {@link RuntimeContext} of its parallel instance, as
 * {@code getRuntimeContext()} in Flink. The runtime sets the context before it calls
 * {@link #open(RuntimeContext)}, so {@link #getRuntimeContext()} works inside an overriding
 * {@code open} whether or not it calls {@code super.open}.
 */
public abstract class AbstractRichFunction implements RichFunction
{
    private static final long serialVersionUID = 1L;

    private transient RuntimeContext runtimeContext;

    /**
     * Called by the runtime before {@link #open(RuntimeContext)}; not for user code.
     *
     * @param context the runtime context of this parallel instance.
     */
    public final void setRuntimeContext(final RuntimeContext context)
    {
        this.runtimeContext = context;
    }

    /**
     * Stores the context (again); overriding methods need not call {@code super.open(context)}.
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
