/**
 * The built-in sources and sinks.
 * <p>
 * Sources: {@link dev.riffle.api.connectors.CollectionSource} (elements of a collection),
 * {@link dev.riffle.api.connectors.TextFileSource} (lines of a UTF-8 file, streamed, split into byte
 * ranges for parallel reading), {@link dev.riffle.api.connectors.GeneratorSource} (record i = f(i),
 * optionally at a target rate), {@link dev.riffle.api.connectors.Ingress} (records the host
 * application pushes from its own threads) and {@link dev.riffle.api.connectors.JournaledIngress} (an
 * ingress whose records are journaled to memory-mapped files before offer returns, see
 * {@code Ingress.journaled}). All but the plain ingress are
 * {@link dev.riffle.api.connector.ReplayableSource}s: their readers report a position from which a
 * reader can be reopened, for checkpoints.
 * <p>
 * Sinks: {@link dev.riffle.api.connectors.CollectSink} (in memory, for tests),
 * {@link dev.riffle.api.connectors.PrintSink} (standard output),
 * {@link dev.riffle.api.connectors.TextFileSink} (one part file per instance, published by atomic
 * rename at end of input, or exactly-once by two-phase commit at each checkpoint) and {@link dev.riffle.api.connectors.EgressSink} (a callback into the host
 * application, {@link dev.riffle.api.connectors.Egress}).
 * <p>
 * Threading, for all of them: a source or sink object is built on the job-defining thread and may be
 * shared by the parallel instances; each reader or writer it creates belongs to the one task thread
 * that created it. Records are never null.
 */
package dev.riffle.api.connectors;
