package dev.riffle.store;

/**
 * The extendible-hashing directory of one key group: {@code 2^depth} page ids indexed by the low
 * bits of h(k, n). Copy-on-write towards snapshots: an array captured by a snapshot is never
 * modified again; the writer replaces it with a copy before its first change after the capture.
 * Small (one int per page-sized bucket, tens of KiB for GiBs of state), so it lives on the heap.
 */
final class KeyGroupDirectory
{
    private int[] pages;
    private boolean shared;

    KeyGroupDirectory(final int[] pages)
    {
        this.pages = pages;
    }

    int pageFor(final int hash)
    {
        final int[] p = pages;
        return p[hash & (p.length - 1)];
    }

    /**
     * @return the current array, to iterate without allocating: a page of local depth d appears first
     * at an index below {@code 2^d}, so an index at or above it is a repeat. Valid until the next change.
     */
    int[] pages()
    {
        return pages;
    }

    int depth()
    {
        return Integer.numberOfTrailingZeros(pages.length);
    }

    /**
     * @return the current array, for a snapshot to keep; the writer copies before changing it again.
     */
    int[] capture()
    {
        shared = true;
        return pages;
    }

    private void mutable()
    {
        if (shared)
        {
            pages = pages.clone();
            shared = false;
        }
    }

    void doubleSize()
    {
        final int[] old = pages;
        final int[] doubled = new int[old.length << 1];
        System.arraycopy(old, 0, doubled, 0, old.length);
        System.arraycopy(old, 0, doubled, old.length, old.length);
        pages = doubled;
        shared = false;
    }

    /**
     * Points the entries of the split half (hash bit {@code depth} set) from {@code page} to
     * {@code newPage}: only the {@code 2^(globalDepth - depth - 1)} indices that can hold it.
     */
    void split(final int hash, final int depth, final int page, final int newPage)
    {
        mutable();
        final int step = 1 << (depth + 1);
        final int start = (hash & ((1 << depth) - 1)) | (1 << depth);
        for (int i = start; i < pages.length; i += step)
        {
            if (pages[i] == page)
            {
                pages[i] = newPage;
            }
        }
    }
}
