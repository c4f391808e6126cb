package dev.riffle.runtime;

import dev.riffle.api.functions.RichFunction;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/**
 * Gives each parallel instance of an operator its own copy of a {@link RichFunction}, whose fields
 * (state handles, counters) belong to one instance. Plain functions are shared: they are expected to
 * be stateless. Copies are made by Java serialization while the job is built, so a rich function that
 * cannot be serialized fails the job at execute time, naming the operator.
 */
final class FunctionCopier
{
    private FunctionCopier()
    {
    }

    /**
     * @param function     the user's function.
     * @param operatorName for the error message.
     * @param subtask      instance index; instance 0 gets the original.
     * @param parallelism  number of instances; with 1 the original is used.
     * @param <F>          function type.
     * @return the function for that instance.
     * @throws IllegalArgumentException if a copy is needed and the function cannot be serialized.
     */
    @SuppressWarnings("unchecked")
    static <F> F forInstance(final F function, final String operatorName, final int subtask, final int parallelism)
    {
        if (!(function instanceof RichFunction) || parallelism == 1 || subtask == 0)
        {
            return function;
        }
        try
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes))
            {
                out.writeObject(function);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))
            {
                @Override
                protected Class<?> resolveClass(final java.io.ObjectStreamClass desc)
                    throws IOException, ClassNotFoundException
                {
                    try
                    {
                        return Class.forName(desc.getName(), false, function.getClass().getClassLoader());
                    }
                    catch (final ClassNotFoundException ex)
                    {
                        return super.resolveClass(desc);
                    }
                }
            })
            {
                return (F)in.readObject();
            }
        }
        catch (final IOException | ClassNotFoundException | RuntimeException ex)
        {
            throw new IllegalArgumentException("the rich function of operator '" + operatorName + "' (" +
                function.getClass().getName() + ") must be serializable to run " + parallelism +
                " parallel instances, each with its own copy: " + ex, ex);
        }
    }
}
