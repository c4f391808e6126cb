package dev.riffle.examples;

import dev.riffle.api.connectors.Egress;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Receives the running counts through an {@link Egress} and keeps the highest count seen per word,
 * which at the end of the input is the word's total. Called from every parallel sink instance, hence
 * the concurrent map.
 */
final class TopWords implements Egress<WordWithCount>
{
    private final Map<String, Integer> totals = new ConcurrentHashMap<>();

    @Override
    public void accept(final WordWithCount record)
    {
        totals.merge(record.word(), record.count(), Math::max);
    }

    /**
     * @param n how many.
     * @return the n most frequent words, most frequent first, ties in alphabetical order.
     */
    List<Map.Entry<String, Integer>> top(final int n)
    {
        return totals.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey()))
            .limit(n)
            .map(e -> Map.entry(e.getKey(), e.getValue()))
            .collect(Collectors.toList());
    }

    int distinctWords()
    {
        return totals.size();
    }
}
