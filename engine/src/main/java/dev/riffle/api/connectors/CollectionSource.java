package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.ReplayableSource;
import dev.riffle.api.connector.SourceContext;
import dev.riffle.api.functions.Collector;

import java.util.Collection;

/**
 * Emits the elements of a collection in iteration order, once. The collection is copied when the
 * source is constructed: later changes to it are not seen. Runs with parallelism 1.
 * <p>
 * Replayable: the position is the index of the next element.
 * <p>
 * Thread-safety: the source is immutable after construction and may be shared; each reader belongs
 * to the task thread that created it. The elements themselves are handed to the stream, not copied:
 * do not mutate them after building the job.
 *
 * @param <T> element type.
 */
public final class CollectionSource<T> implements ReplayableSource<T>
{
    private final Object[] elements;

    /**
     * @param collection the elements, none null; copied now.
     * @throws NullPointerException     if the collection is null.
     * @throws IllegalArgumentException if an element is null, naming its index.
     */
    public CollectionSource(final Collection<? extends T> collection)
    {
        if (collection == null)
        {
            throw new NullPointerException("collection source: collection is null");
        }
        this.elements = collection.toArray();
        for (int i = 0; i < elements.length; i++)
        {
            if (elements[i] == null)
            {
                throw new IllegalArgumentException(
                    "collection source: element " + i + " of " + elements.length + " is null; records may not be null");
            }
        }
    }

    /**
     * @return the number of elements.
     */
    public int size()
    {
        return elements.length;
    }

    /**
     * @return 1: the elements are emitted in order by one instance.
     */
    @Override
    public int maxParallelism()
    {
        return 1;
    }

    /**
     * @throws IllegalArgumentException if the context's parallelism is above 1.
     */
    @Override
    public ReplayableSourceReader<T> createReader(final SourceContext context)
    {
        return createReader(context, 0);
    }

    /**
     * @param position index of the next element to emit, in {@code [0, size()]}.
     * @throws IllegalArgumentException if the position is out of range or the parallelism is above 1.
     */
    @Override
    public ReplayableSourceReader<T> createReader(final SourceContext context, final long position)
    {
        if (context.parallelism() != 1)
        {
            throw new IllegalArgumentException(
                "collection source '" + context.name() + "' runs with parallelism 1, not " + context.parallelism());
        }
        if (position < 0 || position > elements.length)
        {
            throw new IllegalArgumentException(
                "collection source '" + context.name() + "': position " + position + " outside [0, " + elements.length + "]");
        }
        return new Reader<>(elements, (int)position);
    }

    /**
     * Emits elements from an index on; owned by one task thread.
     */
    private static final class Reader<T> implements ReplayableSourceReader<T>
    {
        private final Object[] elements;
        private int next;

        Reader(final Object[] elements, final int next)
        {
            this.elements = elements;
            this.next = next;
        }

        @Override
        @SuppressWarnings("unchecked")
        public int poll(final Collector<T> output, final int maxRecords)
        {
            final Object[] elements = this.elements;
            if (next >= elements.length)
            {
                return END_OF_INPUT;
            }
            final int limit = (int)Math.min(elements.length, (long)next + maxRecords);
            int emitted = 0;
            while (next < limit)
            {
                output.collect((T)elements[next++]);
                emitted++;
            }
            return emitted;
        }

        @Override
        public long position()
        {
            return next;
        }
    }
}
