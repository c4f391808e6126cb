package dev.riffle.state.snapshot;

import java.util.List;

/**
 * Where the keyed state of one operator instance went in a checkpoint: the key groups it covers and
 * its files, in a format its backend understands.
 *
 * @param firstKeyGroup first key group covered.
 * @param lastKeyGroup  last key group covered (inclusive).
 * @param format        backend format, e.g. {@code "heap-v1"}.
 * @param files         the files.
 */
public record KeyedStateHandle(int firstKeyGroup, int lastKeyGroup, String format, List<FileRef> files)
{
    /**
     * Copies the file list.
     */
    public KeyedStateHandle
    {
        files = List.copyOf(files);
    }

    /**
     * @param first first key group of a range.
     * @param last  last key group of the range.
     * @return true if this handle holds state of any key group in the range.
     */
    public boolean intersects(final int first, final int last)
    {
        return firstKeyGroup <= last && lastKeyGroup >= first;
    }
}
