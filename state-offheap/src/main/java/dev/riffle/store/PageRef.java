package dev.riffle.store;

/**
 * Where one record of a saved page lives: a full image or a delta ({@link PageRecords}). A page is saved as
 * a chain of them, a full image first.
 *
 * @param file   data file name, relative to the data directory.
 * @param offset byte offset of the record in the file.
 */
public record PageRef(String file, long offset)
{
}
