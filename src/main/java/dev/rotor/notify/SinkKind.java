package dev.rotor.notify;

/** Where a notification can be delivered besides its Kafka topic. */
public enum SinkKind {
    /** An incoming webhook taking {@code {"text": ...}}: Slack, or anything that accepts its shape. */
    SLACK("slack"),
    /** PagerDuty Events API v2: trigger per failed command, resolve when the secret is later rotated. */
    PAGERDUTY("pagerduty");

    private final String id;

    SinkKind(final String id) {
        this.id = id;
    }

    /** The name in {@code rotor.notify.*.sinks} and the {@code sink} tag of the delivery metric. */
    public String id() {
        return id;
    }
}
