package dev.riffle.api.state;

/**
 * A keyed state handle. Every operation applies to the key of the record being processed; the
 * handle may only be used on the task thread that owns it, while a record (or timer) is being
 * processed.
 */
public interface State
{
    /**
     * Removes this state's value for the current key.
     */
    void clear();
}
