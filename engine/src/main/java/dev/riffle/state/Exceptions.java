package dev.riffle.state;

/**
 * Passes a user function's checked exception through an interface that cannot declare it (state
 * handles, collectors) without wrapping it, so the job's failure carries the user's own exception.
 */
public final class Exceptions
{
    private Exceptions()
    {
    }

    /**
     * @param t any throwable.
     * @return never returns; declared so callers can write {@code throw Exceptions.rethrow(t)}.
     */
    public static RuntimeException rethrow(final Throwable t)
    {
        throw Exceptions.<RuntimeException>sneaky(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(final Throwable t) throws T
    {
        throw (T)t;
    }
}
