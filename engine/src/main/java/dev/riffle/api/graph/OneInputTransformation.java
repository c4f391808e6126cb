package dev.riffle.api.graph;

import dev.riffle.api.functions.Function;
import dev.riffle.api.functions.KeySelector;

import java.util.List;
import java.util.Objects;

/**
 * A node applying a user function to each record of one input (which may be a union).
 *
 * @param <IN>  input type.
 * @param <OUT> output type.
 */
public final class OneInputTransformation<IN, OUT> extends Transformation<OUT>
{
    private final OperatorKind kind;
    private final Function function;
    private final KeySelector<IN, ?> keySelector;

    /**
     * @param id          node id.
     * @param name        node name.
     * @param input       upstream node.
     * @param kind        what the function is.
     * @param function    the user function, matching {@code kind}.
     * @param keySelector the key selector when the input is keyed, else null.
     */
    public OneInputTransformation(
        final int id,
        final String name,
        final Transformation<IN> input,
        final OperatorKind kind,
        final Function function,
        final KeySelector<IN, ?> keySelector)
    {
        super(id, name, List.of(input));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.function = Objects.requireNonNull(function, () -> "function of " + name);
        this.keySelector = keySelector;
        if (null == keySelector && (kind == OperatorKind.KEYED_PROCESS || kind == OperatorKind.REDUCE ||
            kind == OperatorKind.AGGREGATE))
        {
            throw new IllegalArgumentException(kind + " requires a keyed input: " + name);
        }
    }

    /**
     * @return what the function is.
     */
    public OperatorKind kind()
    {
        return kind;
    }

    /**
     * @return the user function.
     */
    public Function function()
    {
        return function;
    }

    /**
     * @return the key selector of a keyed input, or null.
     */
    public KeySelector<IN, ?> keySelector()
    {
        return keySelector;
    }

    /**
     * @return true if this operator runs on a keyed stream and has keyed state.
     */
    public boolean isKeyed()
    {
        return null != keySelector;
    }
}
