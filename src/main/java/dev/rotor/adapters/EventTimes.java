package dev.rotor.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import dev.rotor.events.Timestamps;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Event times in the formats' own representations, read by the rules of {@link Timestamps} that native input uses too.
 *
 * <ul>
 *   <li>Epoch numbers (OCSF {@code time}, a {@code timestamp_t} in milliseconds): {@link Timestamps#epoch}, a magnitude
 *       below {@value Timestamps#SECONDS_BELOW} being seconds (some producers, such as the Okta mapping in
 *       ocsf/examples, write seconds), anything larger milliseconds; a fraction is allowed either way.
 *   <li>ISO-8601 strings (CloudTrail {@code eventTime}, GitHub {@code created_at}/{@code updated_at}, Vault's
 *       {@code time} with nanoseconds, GuardDuty {@code updatedAt}, EventBridge {@code time}): {@link Timestamps#iso},
 *       as native input, no offset meaning UTC.
 *   <li>RFC 1123 ({@code Sat, 05 Jun 2016 15:10:09 GMT}, AWS Health's {@code startTime}) where a format uses it. The
 *       day of the week is ignored: AWS's own published sample names the wrong one (5 June 2016 was a Sunday).
 * </ul>
 *
 * Times are kept to the millisecond, the resolution of {@code SecurityEvent.timestamp}.
 */
final class EventTimes {
    private EventTimes() {}

    /** Epoch seconds or milliseconds, as above. */
    static Instant epoch(final JsonNode node, final String field) {
        if (!node.isNumber()) {
            throw new InvalidEventException(
                    Code.INVALID_TIMESTAMP,
                    field + " must be epoch milliseconds (a number), " + "found " + JsonFields.kind(node));
        }
        return Timestamps.epoch(node, field);
    }

    /** An ISO-8601 date-time string. */
    static Instant iso(final JsonNode node, final String field) {
        if (!node.isTextual()) {
            throw new InvalidEventException(
                    Code.INVALID_TIMESTAMP, field + " must be an ISO-8601 string, found " + JsonFields.kind(node));
        }
        return Timestamps.iso(node.textValue(), field).truncatedTo(ChronoUnit.MILLIS);
    }

    /** An ISO-8601 or RFC 1123 date-time string. */
    static Instant isoOrRfc1123(final JsonNode node, final String field) {
        if (node.isTextual()) {
            try {
                final String withoutWeekday = node.textValue().strip().replaceFirst("^[A-Za-z]{3}, ", "");
                return ZonedDateTime.parse(withoutWeekday, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant()
                        .truncatedTo(ChronoUnit.MILLIS);
            } catch (final DateTimeParseException e) {
                // not RFC 1123: try ISO-8601 below
            }
        }
        return iso(node, field);
    }
}
