package dev.riffle.state.heap;

import dev.riffle.state.KeyedStateBackendContract;
import dev.riffle.state.StateBackend;

class HeapStateBackendTest extends KeyedStateBackendContract
{
    @Override
    protected StateBackend newStateBackend()
    {
        return new HeapStateBackend();
    }
}
