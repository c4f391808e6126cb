package dev.riffle.store;

import java.util.List;

/**
 * The table of contents of a snapshot: per table (a key group's byte states, or a key group's long
 * state) its directory, each entry naming the records (data file and offset) its page is restored from;
 * the data files with their lengths and CRC-32C; the state names by id and which of them are long
 * states.
 *
 * @param snapshotId    caller's id.
 * @param epoch         store epoch of the snapshot.
 * @param pageSize      page size; a restore must use the same.
 * @param firstKeyGroup first key group of the store.
 * @param lastKeyGroup  last key group of the store.
 * @param stateNames    state names by id.
 * @param longStates    ids of the long states ({@link KeyedStore#registerLongState}), ascending.
 * @param keyGroups     directories of the tables.
 * @param files         data files referred to.
 */
public record StoreManifest(
    long snapshotId,
    long epoch,
    int pageSize,
    int firstKeyGroup,
    int lastKeyGroup,
    List<String> stateNames,
    int[] longStates,
    List<KeyGroupPages> keyGroups,
    List<DataFile> files)
{
    /**
     * The directory of one table: a key group's byte states, or one long state of a key group.
     *
     * @param keyGroup  the key group.
     * @param longState the long state whose table it is, or -1 for the byte states' table.
     * @param pages     the saved page of every directory entry, as a chain of records (a full image, then
     *                  deltas in order); entries sharing a page share the same array.
     */
    public record KeyGroupPages(int keyGroup, int longState, PageRef[][] pages)
    {
    }

    /**
     * A data file of page copies.
     *
     * @param name   file name, relative to the data directory.
     * @param length bytes.
     * @param crc    CRC-32C of the whole file.
     */
    public record DataFile(String name, long length, long crc)
    {
    }
}
