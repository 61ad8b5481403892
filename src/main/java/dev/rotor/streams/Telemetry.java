package dev.rotor.streams;

import java.time.Duration;

/**
 * What the topologies report as it happens, for live metrics. Implemented by {@code ops.RotorMetrics}; the topologies
 * know only this interface, so they do not depend on the metrics library or the HTTP endpoints. In-memory and
 * best-effort (a retried transaction may count twice); the exact, restart-proof figures are the statistics stores.
 */
public interface Telemetry {
    /** Reports nothing: for tests and tools that need no metrics. */
    Telemetry NONE = new Telemetry() {};

    default void decision(final String decision, final String eventType) {}

    default void command(final String rule) {}

    default void lateEvent() {}

    default void invalidEvent(final String code) {}

    default void result(final String status, final String strategy) {}

    default void vaultCall(final String strategy, final String outcome, final Duration duration) {}

    default void detectionToResult(final Duration latency) {}

    /**
     * Raises or refreshes {@code alarm} with a one-line, value-free {@code problem}; it stays raised until
     * {@link #clearAlarm} or, when {@code expiresAfter} is not null, until that long after the last raise.
     */
    default void alarm(final Alarm alarm, final String problem, final Duration expiresAfter) {}

    default void clearAlarm(final Alarm alarm) {}

    /** How many Avro records of one task wait for the schema registry (0 when none or the task closed). */
    default void recordsAwaitingRegistry(final String task, final long count) {}

    /** A stream thread of {@code applicationId} died and was replaced. */
    default void threadReplaced(final String applicationId) {}

    /** An output record was not written because it would exceed the producer's limit. */
    default void outputRefused(final String topic) {}
}
