package dev.riffle.api.functions;

/**
 * Marker for every user function. Functions are created on the thread that builds the job.
 * <p>
 * A plain function (a lambda or a class that is not a {@link RichFunction}) is shared by all
 * parallel instances of its operator, each running on its own thread: it must be stateless or
 * thread-safe. A {@link RichFunction} is {@link java.io.Serializable}; when its operator runs with
 * parallelism above one, the runtime gives every instance its own copy made by serialization when
 * the job is executed, so fields set in {@code open} are per instance. A rich function that cannot
 * be serialized fails {@code execute} with a message naming the operator.
 */
public interface Function
{
}
