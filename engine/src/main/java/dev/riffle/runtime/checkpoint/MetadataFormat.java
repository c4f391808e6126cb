package dev.riffle.runtime.checkpoint;

import dev.riffle.state.snapshot.CorruptCheckpointException;
import dev.riffle.state.snapshot.FileRef;
import dev.riffle.state.snapshot.KeyedStateHandle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Binary format of {@code _metadata}: magic, version, the fields of {@link CheckpointMetadata}, and a
 * trailing CRC-32C of everything before it. Reading checks all three, so a torn or damaged file is
 * reported, never half-read.
 */
final class MetadataFormat
{
    static final int MAGIC = 0x52464c4d; // "RFLM"
    static final int VERSION = 1;

    private MetadataFormat()
    {
    }

    static byte[] encode(final CheckpointMetadata metadata)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(metadata.jobName());
            out.writeLong(metadata.checkpointId());
            out.writeLong(metadata.timestampMillis());
            out.writeInt(metadata.maxParallelism());
            out.writeBoolean(metadata.savepoint());
            out.writeInt(metadata.states().size());
            for (final OperatorSubtaskState state : metadata.states())
            {
                out.writeInt(state.operatorId());
                out.writeUTF(state.operatorName());
                out.writeInt(state.subtask());
                out.writeInt(state.parallelism());
                out.writeLong(state.sourcePosition());
                out.writeInt(state.sinkTransactions().size());
                for (final String tx : state.sinkTransactions())
                {
                    out.writeUTF(tx);
                }
                final KeyedStateHandle keyed = state.keyedState();
                out.writeBoolean(null != keyed);
                if (null != keyed)
                {
                    out.writeInt(keyed.firstKeyGroup());
                    out.writeInt(keyed.lastKeyGroup());
                    out.writeUTF(keyed.format());
                    out.writeInt(keyed.files().size());
                    for (final FileRef file : keyed.files())
                    {
                        out.writeUTF(file.path());
                        out.writeLong(file.length());
                        out.writeLong(file.crc());
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        final byte[] body = bytes.toByteArray();
        final CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(body.length + Long.BYTES).put(body).putLong(crc.getValue()).array();
    }

    static CheckpointMetadata read(final Path file) throws CorruptCheckpointException
    {
        final byte[] all;
        try
        {
            all = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new CorruptCheckpointException(file, "cannot be read: " + ex, ex);
        }
        if (all.length < 8 + Long.BYTES)
        {
            throw new CorruptCheckpointException(file, "is truncated (" + all.length + " bytes)", null);
        }
        final CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - Long.BYTES);
        if (crc.getValue() != ByteBuffer.wrap(all, all.length - Long.BYTES, Long.BYTES).getLong())
        {
            throw new CorruptCheckpointException(file, "fails its checksum (torn or damaged)", null);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - Long.BYTES)))
        {
            if (in.readInt() != MAGIC)
            {
                throw new CorruptCheckpointException(file, "is not a Riffle checkpoint metadata file", null);
            }
            final int version = in.readInt();
            if (version != VERSION)
            {
                throw new CorruptCheckpointException(file, "has unsupported version " + version, null);
            }
            final String jobName = in.readUTF();
            final long checkpointId = in.readLong();
            final long timestamp = in.readLong();
            final int maxParallelism = in.readInt();
            final boolean savepoint = in.readBoolean();
            final int count = in.readInt();
            final List<OperatorSubtaskState> states = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                final int operatorId = in.readInt();
                final String operatorName = in.readUTF();
                final int subtask = in.readInt();
                final int parallelism = in.readInt();
                final long position = in.readLong();
                final int txCount = in.readInt();
                final List<String> txs = new ArrayList<>(txCount);
                for (int t = 0; t < txCount; t++)
                {
                    txs.add(in.readUTF());
                }
                KeyedStateHandle keyed = null;
                if (in.readBoolean())
                {
                    final int first = in.readInt();
                    final int last = in.readInt();
                    final String format = in.readUTF();
                    final int fileCount = in.readInt();
                    final List<FileRef> files = new ArrayList<>(fileCount);
                    for (int f = 0; f < fileCount; f++)
                    {
                        files.add(new FileRef(in.readUTF(), in.readLong(), in.readLong()));
                    }
                    keyed = new KeyedStateHandle(first, last, format, files);
                }
                states.add(new OperatorSubtaskState(operatorId, operatorName, subtask, parallelism, position, txs, keyed));
            }
            return new CheckpointMetadata(jobName, checkpointId, timestamp, maxParallelism, savepoint, states);
        }
        catch (final EOFException ex)
        {
            throw new CorruptCheckpointException(file, "ends early", ex);
        }
        catch (final IOException ex)
        {
            throw new CorruptCheckpointException(file, "cannot be decoded: " + ex, ex);
        }
    }
}
