package dev.riffle.api.connectors;

import dev.riffle.api.connector.ReplayableSourceReader;
import dev.riffle.api.connector.SourceReader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.riffle.api.connectors.Readers.context;
import static dev.riffle.api.connectors.Readers.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CollectionSourceTest
{
    @Test
    void emitsElementsInIterationOrder() throws Exception
    {
        final List<String> elements = List.of("c", "a", "b", "a");
        final CollectionSource<String> source = new CollectionSource<>(elements);
        assertEquals(elements, drain(source.createReader(context(0, 1)), 1));
        assertEquals(elements, drain(source.createReader(context(0, 1)), 3));
        assertEquals(elements, drain(source.createReader(context(0, 1)), Integer.MAX_VALUE));
    }

    @Test
    void emptyCollectionEndsAtOnce() throws Exception
    {
        final SourceReader<Object> reader = new CollectionSource<>(List.of()).createReader(context(0, 1));
        assertEquals(SourceReader.END_OF_INPUT, reader.poll(r -> { throw new AssertionError(); }, 10));
    }

    @Test
    void copiesTheCollectionAtConstruction() throws Exception
    {
        final List<Integer> elements = new ArrayList<>(List.of(1, 2, 3));
        final CollectionSource<Integer> source = new CollectionSource<>(elements);
        elements.add(4);
        elements.set(0, 9);
        assertEquals(List.of(1, 2, 3), drain(source.createReader(context(0, 1)), 10));
    }

    @Test
    void rejectsNullCollectionAndNullElements()
    {
        final NullPointerException npe = assertThrows(NullPointerException.class, () -> new CollectionSource<>(null));
        assertTrue(npe.getMessage().contains("collection"), npe.getMessage());
        final IllegalArgumentException iae = assertThrows(IllegalArgumentException.class,
            () -> new CollectionSource<>(Arrays.asList("a", "b", null)));
        assertTrue(iae.getMessage().contains("element 2"), iae.getMessage());
    }

    @Test
    void reportsIndexOfNextElementAndResumesThere() throws Exception
    {
        final CollectionSource<String> source = new CollectionSource<>(List.of("a", "b", "c", "d", "e"));
        final ReplayableSourceReader<String> reader = source.createReader(context(0, 1));
        assertEquals(0, reader.position());
        final List<String> first = new ArrayList<>();
        assertEquals(2, reader.poll(first::add, 2));
        assertEquals(2, reader.position());
        assertEquals(List.of("a", "b"), first);
        assertEquals(List.of("c", "d", "e"), drain(source.createReader(context(0, 1), reader.position()), 10));
        assertEquals(List.of(), drain(source.createReader(context(0, 1), 5), 10));
        assertThrows(IllegalArgumentException.class, () -> source.createReader(context(0, 1), 6));
        assertThrows(IllegalArgumentException.class, () -> source.createReader(context(0, 1), -1));
    }

    @Test
    void runsWithParallelismOne()
    {
        final CollectionSource<String> source = new CollectionSource<>(List.of("a"));
        assertEquals(1, source.maxParallelism());
        assertThrows(IllegalArgumentException.class, () -> source.createReader(context(0, 2)));
    }
}
