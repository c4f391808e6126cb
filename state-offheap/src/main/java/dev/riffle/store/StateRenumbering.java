package dev.riffle.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The slow path of a restore, for a snapshot that numbers its states differently from the others restored
 * with it — instances of one operator that registered their states in different orders (a state first
 * asked for while processing a record, in an order that depends on the data), restored together at
 * another parallelism. Its pages cannot be used as they are (their cells hold its state ids, and h(k, n)
 * is seeded by them), so it is restored alone into a temporary store under the target's work directory,
 * and each of its entries is put into the target under the target's id for its state's name, registering
 * states the target does not have. Costs a put per entry and, for the time of the copy, the memory of that
 * snapshot's share of the state once more. Calling thread only, before the store is handed out.
 */
final class StateRenumbering
{
    private StateRenumbering()
    {
    }

    /**
     * @param source        the snapshot; its key groups in the target's range must not be in any other
     *                      source of the restore (checked by the caller).
     * @param target        the store being restored, its directories built.
     * @param workDirectory the target's work directory, for the temporary store.
     * @param options       the target's page sizing.
     * @param threads       restore workers for the temporary store.
     * @throws IOException as {@link StoreRestore#restore}, naming a damaged file of the source.
     */
    static void copy(final StoreRestore.Source source, final PagedKeyedStore target, final Path workDirectory,
        final StoreOptions options, final int threads) throws IOException
    {
        try (PagedKeyedStore alone = StoreRestore.restore(workDirectory.resolve("renumbering"),
            target.firstKeyGroup(), target.lastKeyGroup(), options, List.of(source), threads))
        {
            final List<String> names = alone.stateNames();
            final int[] ids = new int[names.size()];
            for (int id = 0; id < ids.length; id++)
            {
                ids[id] = alone.isLongState(id) ? target.registerLongState(names.get(id)) :
                    target.registerState(names.get(id));
            }
            for (int keyGroup = alone.firstKeyGroup(); keyGroup <= alone.lastKeyGroup(); keyGroup++)
            {
                alone.forEach(keyGroup, -1, (group, stateId, key, keyOffset, keyLength, value, valueOffset,
                    valueLength) -> target.put(group, ids[stateId], key, keyOffset, keyLength, value, valueOffset,
                    valueLength));
            }
        }
    }
}
