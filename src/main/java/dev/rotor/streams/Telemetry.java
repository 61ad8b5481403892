package dev.rotor.streams;

import java.time.Duration;

/**
 * What the topologies report as it happens, for live metrics. Implemented by {@code ops.RotorMetrics}; the topologies
 * know only this interface, so they do not depend on the metrics library or the HTTP endpoints. In-memory and
 * best-effort (a retried transaction may count twice); the exact, restart-proof figures are the statistics stores.
 */
public interface Telemetry {
    /** Reports nothing: for tests and tools that need no metrics. */
    Telemetry NONE = new Telemetry() {
    };

    default void decision(final String decision, final String eventType) {
    }

    default void command(final String rule) {
    }

    default void lateEvent() {
    }

    default void invalidEvent(final String code) {
    }

    default void result(final String status, final String strategy) {
    }

    default void vaultCall(final String strategy, final String outcome, final Duration duration) {
    }

    default void detectionToResult(final Duration latency) {
    }
}
