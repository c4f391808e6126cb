package dev.riffle.state.snapshot;

import java.nio.file.Path;

/**
 * A checkpoint file is missing, truncated or fails its checksum. Names the file.
 */
public final class CorruptCheckpointException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param file   the bad file.
     * @param reason what is wrong with it.
     * @param cause  underlying error or null.
     */
    public CorruptCheckpointException(final Path file, final String reason, final Throwable cause)
    {
        super("checkpoint file " + file + ' ' + reason, cause);
    }
}
