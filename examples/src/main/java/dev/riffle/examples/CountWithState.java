package dev.riffle.examples;

import dev.riffle.api.functions.RichMapFunction;
import dev.riffle.api.functions.RuntimeContext;
import dev.riffle.api.state.ValueState;
import dev.riffle.api.state.ValueStateDescriptor;

/**
 * The seed's stateful counter: keeps a {@code ValueState<Integer>} per word and emits
 * {@code (word, count)} for every occurrence. Runs on a stream keyed by the word.
 */
public final class CountWithState extends RichMapFunction<String, WordWithCount>
{
    private static final long serialVersionUID = 1L;

    private transient ValueState<Integer> state;

    @Override
    public void open(final RuntimeContext context)
    {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Integer.class, 0));
    }

    @Override
    public WordWithCount map(final String word) throws Exception
    {
        final int count = state.value() + 1;
        state.update(count);
        return new WordWithCount(word, count);
    }
}
