package dev.riffle.runtime.metrics;

import dev.riffle.api.JobMetrics;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's counters, Aeron style: records in and out of every operator instance live in an Agrona
 * {@link CountersManager} over direct memory. Each counter has one writer (its task thread, which
 * increments with release semantics and no allocation); any thread may read them (acquire).
 * Counters are created while the job is built; a restarted attempt reuses them (by label), so they
 * count over the life of the job, replayed records included.
 */
public final class JobCounters implements JobMetrics
{
    /**
     * Counter type id of records consumed by an operator instance.
     */
    public static final int RECORDS_IN_TYPE_ID = 1;

    /**
     * Counter type id of records emitted by an operator instance.
     */
    public static final int RECORDS_OUT_TYPE_ID = 2;

    private final CountersManager manager;
    private final Map<String, List<AtomicCounter>> recordsIn = new LinkedHashMap<>();
    private final Map<String, List<AtomicCounter>> recordsOut = new LinkedHashMap<>();
    private final Map<String, AtomicCounter> byLabel = new java.util.HashMap<>();

    /**
     * @param maxCounters capacity; two per operator instance.
     */
    public JobCounters(final int maxCounters)
    {
        final int capacity = Math.max(2, maxCounters);
        this.manager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersReader.COUNTER_LENGTH)));
    }

    /**
     * @param operatorName operator name.
     * @param subtask      instance index.
     * @return the counter of the records that instance consumes, created on first use.
     */
    public synchronized AtomicCounter newRecordsIn(final String operatorName, final int subtask)
    {
        return counter(recordsIn, operatorName, operatorName + " [" + subtask + "] records in", RECORDS_IN_TYPE_ID);
    }

    /**
     * @param operatorName operator name.
     * @param subtask      instance index.
     * @return the counter of the records that instance emits, created on first use.
     */
    public synchronized AtomicCounter newRecordsOut(final String operatorName, final int subtask)
    {
        return counter(recordsOut, operatorName, operatorName + " [" + subtask + "] records out", RECORDS_OUT_TYPE_ID);
    }

    /**
     * @return reader over all counters, e.g. for an external metrics tool.
     */
    public CountersReader reader()
    {
        return manager;
    }

    @Override
    public synchronized List<String> operatorNames()
    {
        final List<String> names = new ArrayList<>(recordsIn.keySet());
        for (final String name : recordsOut.keySet())
        {
            if (!names.contains(name))
            {
                names.add(name);
            }
        }
        return names;
    }

    @Override
    public long recordsIn(final String operatorName)
    {
        return sum(recordsIn, operatorName);
    }

    @Override
    public long recordsOut(final String operatorName)
    {
        return sum(recordsOut, operatorName);
    }

    private AtomicCounter counter(
        final Map<String, List<AtomicCounter>> counters, final String name, final String label, final int typeId)
    {
        final AtomicCounter existing = byLabel.get(label);
        if (null != existing)
        {
            return existing;
        }
        final AtomicCounter counter = manager.newCounter(label, typeId);
        byLabel.put(label, counter);
        counters.computeIfAbsent(name, k -> new ArrayList<>()).add(counter);
        return counter;
    }

    private synchronized long sum(final Map<String, List<AtomicCounter>> counters, final String name)
    {
        final List<AtomicCounter> list = counters.get(name);
        if (null == list)
        {
            throw new IllegalArgumentException("no operator named '" + name + "'; operators: " + operatorNames());
        }
        long total = 0;
        for (final AtomicCounter counter : list)
        {
            total += counter.getAcquire();
        }
        return total;
    }
}
