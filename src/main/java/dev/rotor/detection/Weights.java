package dev.rotor.detection;

import dev.rotor.avro.Indicator;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.math.BigDecimal;

/**
 * How much one counted event weighs (DESIGN.md §3): {@code metadata.failed_count} for failed_auth_spike,
 * {@code metadata.violation_count} for rate_limit_exceeded, else 1. The value may be a number or a numeric string
 * ("15", "15.0"); anything else — text, a fraction, a negative number — makes the event invalid, because a count rotor
 * cannot read is a sign the sender is broken or hostile, and guessing 1 would hide it.
 */
final class Weights {
    static final String FAILED_COUNT = "failed_count";
    static final String VIOLATION_COUNT = "violation_count";

    private Weights() {}

    static long of(final SecurityEvent event, final Indicator indicator) {
        final String field = switch (indicator) {
            case failed_auth_spike -> FAILED_COUNT;
            case rate_limit_exceeded -> VIOLATION_COUNT;
            default -> null;
        };
        if (field == null) {
            return 1;
        }
        final String raw = event.getMetadata().get(field);
        if (raw == null) {
            return 1;
        }
        final BigDecimal n;
        try {
            n = new BigDecimal(raw.trim());
        } catch (final NumberFormatException e) {
            throw new InvalidEventException(Code.INVALID_COUNT, "metadata." + field + " is not a number");
        }
        if (n.signum() < 0) {
            throw new InvalidEventException(Code.INVALID_COUNT, "metadata." + field + " must not be negative");
        }
        try {
            return n.stripTrailingZeros().scale() > 0
                    ? fraction(field)
                    : n.min(BigDecimal.valueOf(Long.MAX_VALUE)).longValueExact();
        } catch (final ArithmeticException e) {
            return fraction(field);
        }
    }

    private static long fraction(final String field) {
        throw new InvalidEventException(Code.INVALID_COUNT, "metadata." + field + " must be a whole number");
    }
}
