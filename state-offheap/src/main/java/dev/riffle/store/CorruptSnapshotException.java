package dev.riffle.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A snapshot file is missing, truncated or fails its checksum; names the file. A restore that meets
 * one fails: it never yields silently wrong state.
 */
public final class CorruptSnapshotException extends IOException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param file   the bad file.
     * @param reason what is wrong with it.
     * @param cause  underlying error, or null.
     */
    public CorruptSnapshotException(final Path file, final String reason, final Throwable cause)
    {
        super("snapshot file " + file + ' ' + reason, cause);
    }
}
