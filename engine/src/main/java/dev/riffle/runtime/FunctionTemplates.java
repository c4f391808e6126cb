package dev.riffle.runtime;

import dev.riffle.api.functions.RichFunction;
import dev.riffle.api.graph.OneInputTransformation;
import dev.riffle.plan.PhysicalPlan;
import dev.riffle.plan.PlanNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.HashMap;
import java.util.Map;

/**
 * The rich functions of a job as they were when it was executed, serialized once: every parallel
 * instance of every execution attempt gets a fresh copy from these bytes, so that fields a failed
 * attempt changed never leak into the restarted one, and instances never share a function object.
 * Plain functions are shared: they are expected to be stateless.
 * <p>
 * A rich function that cannot be serialized fails the job at execute time when it runs with
 * parallelism above one (each instance needs its own copy); at parallelism one its original object is
 * used, and then reused by restarts — initialise mutable fields in {@code open}.
 * Built on the thread that executes the job; read by the thread that builds each attempt.
 */
final class FunctionTemplates
{
    private final Map<Integer, byte[]> serialized = new HashMap<>();

    /**
     * @param plan the job.
     * @throws IllegalArgumentException naming the operator if a rich function with parallelism above
     *                                  one cannot be serialized.
     */
    FunctionTemplates(final PhysicalPlan plan)
    {
        for (final PlanNode node : plan.nodes())
        {
            if (node.transformation() instanceof OneInputTransformation<?, ?> t && t.function() instanceof RichFunction)
            {
                try
                {
                    serialized.put(node.id(), serialize(t.function()));
                }
                catch (final IOException | RuntimeException ex)
                {
                    if (node.parallelism() > 1)
                    {
                        throw new IllegalArgumentException("the rich function of operator '" + node.name() + "' (" +
                            t.function().getClass().getName() + ") must be serializable to run " +
                            node.parallelism() + " parallel instances, each with its own copy: " + ex, ex);
                    }
                }
            }
        }
    }

    /**
     * @param node     the operator.
     * @param original its user function.
     * @return a fresh copy of a serializable rich function, otherwise the original.
     */
    Object forInstance(final PlanNode node, final Object original)
    {
        final byte[] bytes = serialized.get(node.id());
        if (null == bytes)
        {
            return original;
        }
        final ClassLoader loader = original.getClass().getClassLoader();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))
        {
            @Override
            protected Class<?> resolveClass(final ObjectStreamClass desc) throws IOException, ClassNotFoundException
            {
                try
                {
                    return Class.forName(desc.getName(), false, loader);
                }
                catch (final ClassNotFoundException ex)
                {
                    return super.resolveClass(desc);
                }
            }
        })
        {
            return in.readObject();
        }
        catch (final IOException | ClassNotFoundException ex)
        {
            throw new IllegalStateException("cannot copy the function of operator '" + node.name() + "': " + ex, ex);
        }
    }

    private static byte[] serialize(final Object function) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(function);
        }
        return bytes.toByteArray();
    }
}
