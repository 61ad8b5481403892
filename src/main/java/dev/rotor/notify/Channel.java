package dev.rotor.notify;

import dev.rotor.config.RotorConfig;
import java.util.Locale;

/** The two notification topics a person may want delivered beyond Kafka, named as in their settings. */
public enum Channel {
    /** Success notifications (priority high): a secret was rotated. */
    ALERTS("security-alerts"),
    /** Failure notifications (priority critical): a person must act. */
    CRITICAL("security-critical");

    private final String id;

    Channel(final String id) {
        this.id = id;
    }

    /** The name in settings and environment variables: {@code security-alerts}, {@code security-critical}. */
    public String id() {
        return id;
    }

    /** The topic carrying this channel's notifications. */
    public String topic(final RotorConfig config) {
        return this == ALERTS
                ? config.topics().securityAlerts()
                : config.topics().securityCritical();
    }

    /** {@code ROTOR_NOTIFY_SECURITY_CRITICAL_} and the like: the prefix of this channel's credential variables. */
    String envPrefix() {
        return "ROTOR_NOTIFY_" + id.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }
}
