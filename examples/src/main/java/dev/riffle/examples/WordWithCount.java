package dev.riffle.examples;

/**
 * A word and how many times it has occurred so far; the seed's {@code Tuple2<String, Integer>}.
 *
 * @param word  the word.
 * @param count occurrences up to and including this one.
 */
public record WordWithCount(String word, int count)
{
    /**
     * @return {@code word,count}, the line the file sink writes.
     */
    @Override
    public String toString()
    {
        return word + ',' + count;
    }
}
