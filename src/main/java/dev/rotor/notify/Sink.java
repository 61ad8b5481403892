package dev.rotor.notify;

/** A place notifications are delivered to besides Kafka. Called from the delivery thread only. */
interface Sink {
    SinkKind kind();

    /** Delivers {@code alert}, retrying within the delivery's bounds. */
    HttpDelivery.Result deliver(Alert alert);
}
