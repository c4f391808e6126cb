package dev.riffle.store;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * A value inside the store, returned by {@link PagedKeyedStore#get}: a reused flyweight, valid until
 * the next mutation of the store and only on the writer thread.
 */
public final class ValueView
{
    private UnsafeBuffer buffer;
    private int offset;
    private int length;

    /**
     * Points the view at a value; for store implementations.
     *
     * @param buffer holds the value.
     * @param offset where it starts.
     * @param length its length.
     */
    public void wrap(final UnsafeBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    /**
     * @return the buffer holding the value; do not write it except through the store.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return where the value starts in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return its length in bytes.
     */
    public int length()
    {
        return length;
    }
}
