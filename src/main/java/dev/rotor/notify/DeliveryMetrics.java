package dev.rotor.notify;

/**
 * Where the notification sinks count what happened to each delivery ({@code RotorMetrics#notification} in production):
 * {@code sink} is a {@link SinkKind#id()}, {@code outcome} one of the constants below.
 */
@FunctionalInterface
public interface DeliveryMetrics {
    /** The sink accepted the notification (or the resolve). */
    String DELIVERED = "delivered";
    /** Given up: refused by the sink, or every attempt failed. */
    String FAILED = "failed";
    /** One more attempt after a timeout, a connection failure, 408, 429 or 5xx. */
    String RETRIED = "retried";
    /** A redelivered notification recognised by its dedup key and not sent again. */
    String DUPLICATE = "duplicate";

    /** Counts nothing. */
    DeliveryMetrics NONE = (sink, outcome) -> {};

    void record(String sink, String outcome);
}
