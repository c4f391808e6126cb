package dev.riffle.state.heap;

/**
 * The key being processed and the index of its key group within the instance's range, shared by all
 * states of one backend. Confined to the task thread.
 */
final class CurrentKey
{
    private Object key;
    private int keyGroupIndex;

    void set(final Object key, final int keyGroupIndex)
    {
        this.key = key;
        this.keyGroupIndex = keyGroupIndex;
    }

    Object key()
    {
        if (null == key)
        {
            throw new IllegalStateException("no current key: keyed state is only accessible while processing a record");
        }
        return key;
    }

    int keyGroupIndex()
    {
        return keyGroupIndex;
    }
}
