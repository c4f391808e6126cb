/**
 * The logical job graph built by the {@code DataStream} API and read by the runtime's planner.
 * Users do not normally touch these types; they exist so that the API never depends on the runtime.
 */
package dev.riffle.api.graph;
