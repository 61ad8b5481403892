package dev.rotor.events;

import dev.rotor.redaction.Redaction;
import java.util.Optional;

/**
 * An input record rotor refuses. It carries a stable {@link Code} and a one-line reason that names fields and limits
 * but never a field's value, so it is safe for DLQ headers, audit records and logs. It has no stack trace and no cause:
 * both could carry the record's content (a JSON parser's excerpt, say) into the DLQ's stacktrace header.
 *
 * <p>Redacted whatever its callers pass: credentials in the reason (a refused path quoted in it, say) are replaced
 * ({@link Redaction#text}), and an event id holding one is dropped, so the message is safe for logs too.
 *
 * <p>Bounded whatever its callers pass: a reason longer than {@value #MAX_REASON} characters is cut (ending in
 * {@code …}), and an event id longer than {@link EventLimits#MAX_EVENT_ID} or holding control characters is dropped (a
 * cut id could name another event; adapters pass their sources' raw ids), so no DLQ header or audit record built from
 * it can outgrow the producer's limit or break a line.
 */
public final class InvalidEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a record was refused; the code goes into the {@code rotor.error.code} DLQ header. */
    public enum Code {
        EMPTY,
        OVERSIZE,
        UNKNOWN_FORMAT,
        INVALID_JSON,
        INVALID_AVRO,
        UNKNOWN_SCHEMA_ID,
        MISSING_FIELD,
        WRONG_TYPE,
        INVALID_THREAT_LEVEL,
        INVALID_TIMESTAMP,
        FUTURE_TIMESTAMP,
        /** Older than {@code rotor.max-event-age}. */
        STALE_TIMESTAMP,
        /** A field longer, or a list with more entries, than its limit ({@link EventLimits}). */
        FIELD_TOO_LONG,
        INVALID_COUNT,
        REFUSED_PATH,
        /** Well-formed JSON that is not a record of the format the topic carries (an adapter's input). */
        UNKNOWN_PAYLOAD,
        /** An Avro record that waited for the schema registry longer than allowed, or found no room to wait. */
        REGISTRY_UNAVAILABLE
    }

    /** The longest reason kept, in characters. */
    public static final int MAX_REASON = 300;

    private final Code code;
    private final transient Optional<String> eventId;
    private final transient Optional<String> deadLetterTopic;

    public InvalidEventException(final Code code, final String reason) {
        this(code, reason, null);
    }

    public InvalidEventException(final Code code, final String reason, final String eventId) {
        this(code, reason, eventId, null);
    }

    private InvalidEventException(
            final Code code, final String reason, final String eventId, final String deadLetterTopic) {
        super(capped(reason), null, false, false);
        this.code = code;
        this.eventId = Optional.ofNullable(eventId)
                .filter(EventLimits::isAcceptableId)
                .filter(id -> !Redaction.holdsCredential(id));
        this.deadLetterTopic = Optional.ofNullable(deadLetterTopic);
    }

    public Code code() {
        return code;
    }

    /** The event's id when decoding got far enough to know it. */
    public Optional<String> eventId() {
        return eventId;
    }

    /**
     * The dead-letter topic of the input the record came from (an adapter source's own DLQ), or empty for the
     * configured {@code errors.dead.letter.queue.topic.name}.
     */
    public Optional<String> deadLetterTopic() {
        return deadLetterTopic;
    }

    /** Same code and reason, now tied to the event it was found in. */
    public InvalidEventException forEvent(final String id) {
        return new InvalidEventException(code, getMessage(), id, deadLetterTopic.orElse(null));
    }

    /** Same code, reason and event, to be dead-lettered on {@code topic} instead of the default DLQ. */
    public InvalidEventException toDeadLetterTopic(final String topic) {
        return new InvalidEventException(code, getMessage(), eventId.orElse(null), topic);
    }

    private static String capped(final String raw) {
        final String reason = Redaction.text(raw); // before the cut, which could leave a credential unrecognisable
        if (reason == null || reason.length() <= MAX_REASON) {
            return reason;
        }
        int end = MAX_REASON - 1;
        if (Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--; // never leave half a character
        }
        return reason.substring(0, end) + "…";
    }
}
