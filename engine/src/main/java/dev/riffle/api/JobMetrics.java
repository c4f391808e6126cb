package dev.riffle.api;

import java.util.List;

/**
 * Live counters of a job's operators. Values are read with acquire semantics from counters the
 * task threads update with release stores; a read is a recent value, never a torn one. Reading
 * allocates; the updates on the task threads do not.
 */
public interface JobMetrics
{
    /**
     * @return the names of the job's operators, in plan order.
     */
    List<String> operatorNames();

    /**
     * @param operatorName an operator's name.
     * @return records received by all its parallel instances so far.
     * @throws IllegalArgumentException if no operator has that name.
     */
    long recordsIn(String operatorName);

    /**
     * @param operatorName an operator's name.
     * @return records emitted by all its parallel instances so far.
     * @throws IllegalArgumentException if no operator has that name.
     */
    long recordsOut(String operatorName);
}
