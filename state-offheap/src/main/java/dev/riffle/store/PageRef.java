package dev.riffle.store;

/**
 * Where a saved page copy lives.
 *
 * @param file  data file name, relative to the data directory.
 * @param index page index in the file (byte offset = index × page size).
 */
public record PageRef(String file, int index)
{
}
