package dev.riffle.api.graph;

import java.util.List;
import java.util.Objects;

/**
 * A node of the logical job graph that the {@code DataStream} API builds: what to compute, not how.
 * The runtime turns the graph into a physical plan when the job is executed. Transformations are
 * built and read on the thread that defines the job; they are not thread-safe.
 *
 * @param <T> type of the records this node produces.
 */
public abstract class Transformation<T>
{
    /** Parallelism not set by the user: the environment's default applies. */
    public static final int DEFAULT_PARALLELISM = -1;

    private final int id;
    private final List<Transformation<?>> inputs;
    private String name;
    private int parallelism = DEFAULT_PARALLELISM;

    /**
     * @param id     unique id within the environment.
     * @param name   default name.
     * @param inputs upstream nodes, in order.
     */
    protected Transformation(final int id, final String name, final List<Transformation<?>> inputs)
    {
        this.id = id;
        this.name = Objects.requireNonNull(name, "name");
        this.inputs = List.copyOf(inputs);
    }

    /**
     * @return unique id within the environment, in creation order.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the name shown in metrics, logs and errors.
     */
    public String name()
    {
        return name;
    }

    /**
     * @param name new name, not null or blank.
     */
    public void name(final String name)
    {
        Objects.requireNonNull(name, "name");
        if (name.isBlank())
        {
            throw new IllegalArgumentException("operator name must not be blank");
        }
        this.name = name;
    }

    /**
     * @return the parallelism set by the user or {@link #DEFAULT_PARALLELISM}.
     */
    public int parallelism()
    {
        return parallelism;
    }

    /**
     * @param parallelism at least 1.
     */
    public void parallelism(final int parallelism)
    {
        if (parallelism < 1)
        {
            throw new IllegalArgumentException("parallelism of '" + name + "' must be >= 1: " + parallelism);
        }
        this.parallelism = parallelism;
    }

    /**
     * @return upstream nodes, immutable.
     */
    public List<Transformation<?>> inputs()
    {
        return inputs;
    }

    @Override
    public String toString()
    {
        return getClass().getSimpleName() + "{id=" + id + ", name='" + name + "', parallelism=" + parallelism + '}';
    }
}
