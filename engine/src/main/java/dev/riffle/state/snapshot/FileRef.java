package dev.riffle.state.snapshot;

/**
 * A file of a checkpoint, with what it must contain: its path relative to the job's checkpoint
 * root, its length and its CRC-32C. A file that differs in either is corrupt.
 *
 * @param path   relative path, '/'-separated.
 * @param length bytes.
 * @param crc    CRC-32C of the whole file.
 */
public record FileRef(String path, long length, long crc)
{
}
