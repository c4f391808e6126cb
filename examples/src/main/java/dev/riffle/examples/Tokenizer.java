package dev.riffle.examples;

import dev.riffle.api.functions.Collector;
import dev.riffle.api.functions.FlatMapFunction;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The seed's tokenizer: lower-cases a line, splits it on runs of non-word characters ({@code \W+})
 * and drops empty tokens. Stateless, so one instance serves every parallel instance.
 */
public final class Tokenizer implements FlatMapFunction<String, String>
{
    private static final Pattern NON_WORD = Pattern.compile("\\W+");

    @Override
    public void flatMap(final String line, final Collector<String> out)
    {
        for (final String token : NON_WORD.split(line.toLowerCase(Locale.ROOT)))
        {
            if (!token.isEmpty())
            {
                out.collect(token);
            }
        }
    }
}
