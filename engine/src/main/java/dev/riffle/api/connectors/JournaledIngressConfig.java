package dev.riffle.api.connectors;

import dev.riffle.api.connectors.journal.IngressJournal;

/**
 * Configuration of a {@link JournaledIngress}: fluent setters, validated by {@link #conclude()}
 * when the ingress is built.
 */
public final class JournaledIngressConfig
{
    int capacity = 65_536;
    int segmentSize = IngressJournal.DEFAULT_SEGMENT_SIZE;
    long maxUnreadBytes = Long.MAX_VALUE;
    boolean syncEveryOffer;

    /**
     * @param capacity records that may wait unread, at least 1; default 65536.
     * @return this.
     */
    public JournaledIngressConfig capacity(final int capacity)
    {
        this.capacity = capacity;
        return this;
    }

    /**
     * @param segmentSize bytes per segment file, a power of two in [4 KiB, 1 GiB]; default 64 MiB. A
     *                    record may take up to a quarter of it. Reopen a journal with the same size.
     * @return this.
     */
    public JournaledIngressConfig segmentSize(final int segmentSize)
    {
        this.segmentSize = segmentSize;
        return this;
    }

    /**
     * @param maxUnreadBytes journal bytes that may wait unread, at least 64 KiB; may be exceeded by
     *                       one record per concurrently offering thread. Default: no bound.
     * @return this.
     */
    public JournaledIngressConfig maxUnreadBytes(final long maxUnreadBytes)
    {
        this.maxUnreadBytes = maxUnreadBytes;
        return this;
    }

    /**
     * @param syncEveryOffer force each record to disk before its offer returns: survives power loss,
     *                       costs a disk flush (tens of µs to ms) per offer. Default false.
     * @return this.
     */
    public JournaledIngressConfig syncEveryOffer(final boolean syncEveryOffer)
    {
        this.syncEveryOffer = syncEveryOffer;
        return this;
    }

    /**
     * @return this, validated.
     * @throws IllegalArgumentException naming the first bad setting.
     */
    public JournaledIngressConfig conclude()
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("journaled ingress: capacity must be at least 1: " + capacity);
        }
        if (maxUnreadBytes < 64 * 1024)
        {
            throw new IllegalArgumentException("journaled ingress: maxUnreadBytes must be at least 64 KiB: " +
                maxUnreadBytes);
        }
        if (segmentSize < IngressJournal.MIN_SEGMENT_SIZE || segmentSize > IngressJournal.MAX_SEGMENT_SIZE ||
            Integer.bitCount(segmentSize) != 1)
        {
            throw new IllegalArgumentException("journaled ingress: segmentSize must be a power of two in [4 KiB, " +
                "1 GiB]: " + segmentSize);
        }
        return this;
    }
}
