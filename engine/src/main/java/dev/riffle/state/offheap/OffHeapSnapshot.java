package dev.riffle.state.offheap;

import dev.riffle.state.KeyGroupRange;
import dev.riffle.state.snapshot.CheckpointFiles;
import dev.riffle.state.snapshot.FileRef;
import dev.riffle.state.snapshot.KeyedStateHandle;
import dev.riffle.state.snapshot.KeyedStateSnapshot;
import dev.riffle.store.SnapshotResult;
import dev.riffle.store.StoreManifest;
import dev.riffle.store.StoreRestore;
import dev.riffle.store.StoreSnapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The asynchronous part of an off-heap checkpoint: the store writes the pages changed since its last
 * snapshot into {@code <job>/shared/}, where later checkpoints refer to them, and its manifest into
 * the checkpoint directory. A savepoint (any directory that is not {@code chk-<n>}) must stand alone:
 * every data file it refers to is copied into it.
 */
final class OffHeapSnapshot implements KeyedStateSnapshot
{
    static final String SHARED = "shared";
    private static final Pattern CHECKPOINT_DIRECTORY = Pattern.compile("chk-\\d+");

    private final StoreSnapshot snapshot;
    private final KeyGroupRange keyGroups;

    OffHeapSnapshot(final StoreSnapshot snapshot, final KeyGroupRange keyGroups)
    {
        this.snapshot = snapshot;
        this.keyGroups = keyGroups;
    }

    @Override
    public KeyedStateHandle write(final Path checkpointDirectory, final String filePrefix) throws IOException
    {
        final boolean savepoint = !CHECKPOINT_DIRECTORY.matcher(checkpointDirectory.getFileName().toString()).matches();
        final String manifestName = filePrefix + ".manifest";
        // the store forces its manifest before renaming it into place: measured, not forced again
        final List<FileRef> files = new ArrayList<>();
        if (savepoint)
        {
            final SnapshotResult result = snapshot.writeStandalone(
                checkpointDirectory.resolve(manifestName), checkpointDirectory, filePrefix);
            files.add(CheckpointFiles.describeDurable(checkpointDirectory, manifestName));
            for (final StoreManifest.DataFile data : result.files())
            {
                files.add(new FileRef(data.name(), data.length(), data.crc()));
            }
        }
        else
        {
            final Path shared = sharedDirectory(checkpointDirectory);
            final SnapshotResult result = snapshot.write(checkpointDirectory.resolve(manifestName), shared, filePrefix);
            files.add(CheckpointFiles.describeDurable(checkpointDirectory, manifestName));
            for (final StoreManifest.DataFile data : result.files())
            {
                files.add(new FileRef("../" + SHARED + '/' + data.name(), data.length(), data.crc()));
            }
        }
        return new KeyedStateHandle(keyGroups.start(), keyGroups.end(), OffHeapKeyedStateBackend.FORMAT, files);
    }

    /**
     * @return the job's {@code shared/} directory beside the checkpoint's, created by the first
     * checkpoint. Looked at before it is created: {@link Files#createDirectories} on a directory that
     * exists fails inside and throws and catches an exception, which every checkpoint paid.
     */
    private static Path sharedDirectory(final Path checkpointDirectory) throws IOException
    {
        final Path shared = checkpointDirectory.resolveSibling(SHARED);
        return Files.isDirectory(shared) ? shared : Files.createDirectories(shared);
    }

    /**
     * Ends the store's snapshot unwritten, so that a store closed meanwhile is closed now and its next
     * snapshot does not copy every page for this one ({@link StoreSnapshot#discard}).
     */
    @Override
    public void discard()
    {
        snapshot.discard();
    }

    /**
     * @return the store snapshot a handle describes: its manifest and the directory of its data files.
     */
    static StoreRestore.Source source(final Path checkpointDirectory, final KeyedStateHandle handle)
    {
        final FileRef manifest = handle.files().get(0);
        final Path dataDirectory = handle.files().size() > 1 ?
            checkpointDirectory.resolve(handle.files().get(1).path()).getParent() : checkpointDirectory;
        return new StoreRestore.Source(checkpointDirectory.resolve(manifest.path()), dataDirectory.normalize());
    }
}
