package dev.riffle.store;

/**
 * Sizing of a {@link PagedKeyedStore}.
 *
 * @param pageSize        bytes per bucket page, a power of two from 4 KiB to 128 KiB; an entry (key + value)
 *                        may use up to about a quarter of it.
 * @param pagesPerSegment pages per memory-mapped segment file, a power of two.
 */
public record StoreOptions(int pageSize, int pagesPerSegment)
{
    /**
     * 64 KiB pages (entries up to ~14 KiB), 64 MiB segments.
     */
    public static final StoreOptions DEFAULT = new StoreOptions(64 * 1024, 1024);

    /**
     * @return the largest key length + value length a store with these options accepts.
     */
    public int maxEntrySize()
    {
        return BucketPage.maxEntryPayload(ChangedLines.layoutSize(pageSize));
    }
}
