package dev.riffle.api.connectors;

import dev.riffle.api.functions.Function;

import java.io.Serializable;

/**
 * Turns a record into one line of text, for {@link TextFileSink}. Shared by all parallel instances of
 * the sink, each calling it on its own thread: it must be stateless or thread-safe.
 *
 * @param <T> record type.
 */
@FunctionalInterface
public interface LineFormatter<T> extends Function, Serializable
{
    /**
     * @param record the record, never null; do not mutate it.
     * @return the line without terminator, not null; it should not contain line terminators, or
     * one record becomes several lines.
     * @throws Exception on any user error; fails the job naming the sink.
     */
    String format(T record) throws Exception;
}
