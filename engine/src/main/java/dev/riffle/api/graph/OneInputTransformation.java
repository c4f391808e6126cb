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
    private final Class<?> stateType;

    /**
     * A node whose keyed state, if it keeps one for the user (reduce, aggregate), is of an unknown type:
     * kept as {@code Object}, serialized by Java serialization off the heap.
     *
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
        this(id, name, input, kind, function, keySelector, Object.class);
    }

    private OneInputTransformation(
        final int id,
        final String name,
        final Transformation<IN> input,
        final OperatorKind kind,
        final Function function,
        final KeySelector<IN, ?> keySelector,
        final Class<?> stateType)
    {
        super(id, name, List.of(input));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.function = Objects.requireNonNull(function, () -> "function of " + name);
        this.keySelector = keySelector;
        this.stateType = Objects.requireNonNull(stateType, () -> "state type of " + name);
        if (null == keySelector && (kind == OperatorKind.KEYED_PROCESS || kind == OperatorKind.REDUCE ||
            kind == OperatorKind.AGGREGATE))
        {
            throw new IllegalArgumentException(kind + " requires a keyed input: " + name);
        }
    }

    /**
     * A reduce or aggregate node whose running value (reduce) or accumulator (aggregate) has a declared
     * type, so that it is kept with that type's serializer rather than as a Java-serialized object.
     *
     * @param id          node id.
     * @param name        node name.
     * @param input       upstream node.
     * @param kind        {@link OperatorKind#REDUCE} or {@link OperatorKind#AGGREGATE}.
     * @param function    the user function, matching {@code kind}.
     * @param keySelector the key selector of the keyed input.
     * @param stateType   the type of the value kept in keyed state.
     * @param <IN>        input type.
     * @param <OUT>       output type.
     * @return the node.
     */
    public static <IN, OUT> OneInputTransformation<IN, OUT> withStateType(
        final int id,
        final String name,
        final Transformation<IN> input,
        final OperatorKind kind,
        final Function function,
        final KeySelector<IN, ?> keySelector,
        final Class<?> stateType)
    {
        if (kind != OperatorKind.REDUCE && kind != OperatorKind.AGGREGATE)
        {
            throw new IllegalArgumentException(kind + " keeps no state of a declared type: " + name);
        }
        return new OneInputTransformation<>(id, name, input, kind, function, keySelector, stateType);
    }

    /**
     * @return the type of the value a reduce or aggregate node keeps in keyed state; {@code Object}
     * when not declared.
     */
    public Class<?> stateType()
    {
        return stateType;
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
