package dev.riffle.state;

import dev.riffle.api.state.MapStateDescriptor;
import dev.riffle.api.state.State;
import dev.riffle.api.state.StateDescriptor;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The states registered in one keyed backend, by name: hands out one handle per name and rejects a
 * second registration of the same name with a different kind or type. Used on the owning task
 * thread only, while functions open (not per record).
 */
public final class StateRegistry
{
    private final String operatorName;
    private final Map<String, Registered> states = new HashMap<>();

    /**
     * @param operatorName used in error messages.
     */
    public StateRegistry(final String operatorName)
    {
        this.operatorName = operatorName;
    }

    /**
     * @param descriptor the state asked for.
     * @param factory    creates the handle on first registration.
     * @param <S>        handle type.
     * @return the existing or new handle.
     * @throws IllegalStateException if the name is already registered differently.
     */
    @SuppressWarnings("unchecked")
    public <S extends State> S getOrCreate(final StateDescriptor<?> descriptor, final Supplier<S> factory)
    {
        final Registered existing = states.get(descriptor.name());
        if (null != existing)
        {
            if (!sameShape(existing.descriptor, descriptor))
            {
                throw new IllegalStateException("state '" + descriptor.name() + "' of operator '" + operatorName +
                    "' is already registered as " + existing.descriptor + ", cannot register it as " + descriptor);
            }
            return (S)existing.handle;
        }
        final S handle = factory.get();
        states.put(descriptor.name(), new Registered(descriptor, handle));
        return handle;
    }

    /**
     * @return number of registered states.
     */
    public int size()
    {
        return states.size();
    }

    private static boolean sameShape(final StateDescriptor<?> a, final StateDescriptor<?> b)
    {
        if (a.kind() != b.kind() || a.type() != b.type())
        {
            return false;
        }
        return !(a instanceof MapStateDescriptor<?, ?> ma) || ma.keyType() == ((MapStateDescriptor<?, ?>)b).keyType();
    }

    private record Registered(StateDescriptor<?> descriptor, State handle)
    {
    }
}
