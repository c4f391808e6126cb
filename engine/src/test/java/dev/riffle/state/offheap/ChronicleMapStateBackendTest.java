package dev.riffle.state.offheap;

import dev.riffle.state.KeyedStateBackendContract;
import dev.riffle.state.StateBackend;
import dev.riffle.store.chronicle.ChronicleKeyedStore;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChronicleMapStateBackendTest extends KeyedStateBackendContract
{
    @Override
    protected StateBackend newStateBackend()
    {
        return new ChronicleMapStateBackend(null);
    }

    @Test
    void chronicleAnalyticsAreDisabled()
    {
        assertEquals("true", ChronicleKeyedStore.analyticsSetting(),
            "Chronicle must never send usage analytics from an embedded engine");
    }
}
