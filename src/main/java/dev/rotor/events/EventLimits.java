package dev.rotor.events;

import dev.rotor.events.InvalidEventException.Code;

/**
 * The bounds on what an event may carry into rotor's outputs. Fields copied from input reach commands, audit records,
 * notifications, DLQ headers and log lines; uncapped, one 600,000-character {@code event_type} made an audit record the
 * producer refused, which failed the task on every retry. Every input — native JSON, Avro, adapted — passes these
 * checks in {@link SecurityEventDecoder#normalise}; the JSON reader applies the id and key checks earlier, before it
 * uses either in a reason.
 *
 * <p>Identifiers are refused, not cut, when too long: a cut id could collide with another event's, and a cut type or
 * key would change what the event means. Free text (description, metadata values) is cut instead. Reasons name a field
 * by a printable, capped form ({@link #shown}) or by position, never quote a value.
 */
public final class EventLimits {
    /** event_id: longer refused (a derived id is 40 characters). */
    public static final int MAX_EVENT_ID = 256;
    /** event_type: the nine indicators are at most 19 characters; unknown shorter types are kept. */
    public static final int MAX_EVENT_TYPE = 64;
    /** source_ip: an IPv6 address with a zone index fits in 64. */
    public static final int MAX_SOURCE_IP = 64;
    /** A metadata key: longer refused. */
    public static final int MAX_METADATA_KEY = 128;
    /**
     * Entries of affected_resources, and paths named by metadata.secret_paths, each: more refused. Not 1,000: one
     * critical event naming 10,000 leaked secrets is the incident the benchmark measures (docs/benchmark.md), and no
     * output record holds an event's whole path list (each secret gets its own), so the count bounds work, not size.
     */
    public static final int MAX_PATHS = 10_000;
    /** description: longer is cut. */
    public static final int MAX_DESCRIPTION = 4096;
    /** Metadata entries kept besides secret_path and secret_paths; further entries are dropped. */
    public static final int MAX_METADATA_ENTRIES = 64;
    /** A metadata value (other than the path lists): longer is cut. */
    public static final int MAX_METADATA_VALUE = 1024;
    /** How much of a field name a reason shows. */
    static final int MAX_NAME_SHOWN = 64;

    private EventLimits() {}

    /**
     * The event id trimmed, or null when absent or blank. Refused when too long or holding control characters (it is a
     * record key and appears in log lines); the exception then carries no event id.
     */
    public static String eventId(final String raw) {
        if (raw == null) {
            return null;
        }
        final String id = raw.strip();
        if (id.length() > MAX_EVENT_ID) {
            throw tooLong("event_id", MAX_EVENT_ID, null);
        }
        if (hasControlCharacter(id)) {
            throw new InvalidEventException(Code.WRONG_TYPE, "event_id must not contain control characters");
        }
        return id.isEmpty() ? null : id;
    }

    /** Whether an id may be carried as it is (into an audit key, say): within the limit, no control characters. */
    static boolean isAcceptableId(final String id) {
        return id.length() <= MAX_EVENT_ID && !hasControlCharacter(id);
    }

    /** Checks an event type (already trimmed). */
    public static void eventType(final String type, final String eventId) {
        if (type.isEmpty()) {
            throw new InvalidEventException(Code.MISSING_FIELD, "event_type is missing", eventId);
        }
        if (type.length() > MAX_EVENT_TYPE) {
            throw tooLong("event_type", MAX_EVENT_TYPE, eventId);
        }
        if (hasControlCharacter(type)) {
            throw new InvalidEventException(Code.WRONG_TYPE, "event_type must not contain control characters", eventId);
        }
    }

    /** Checks a source address, which may be null. */
    public static void sourceIp(final String ip, final String eventId) {
        if (ip == null) {
            return;
        }
        if (ip.length() > MAX_SOURCE_IP) {
            throw tooLong("source_ip", MAX_SOURCE_IP, eventId);
        }
        if (hasControlCharacter(ip)) {
            throw new InvalidEventException(Code.WRONG_TYPE, "source_ip must not contain control characters", eventId);
        }
    }

    /** Checks the key of the {@code position}-th metadata entry (1-based); a reason names the entry by position. */
    public static void metadataKey(final String key, final int position, final String eventId) {
        if (key.length() > MAX_METADATA_KEY) {
            throw new InvalidEventException(
                    Code.FIELD_TOO_LONG,
                    "metadata entry " + position + " has a key longer " + "than " + MAX_METADATA_KEY + " characters",
                    eventId);
        }
    }

    /** Checks how many paths a path list names. */
    public static void pathCount(final int count, final String field, final String eventId) {
        if (count > MAX_PATHS) {
            throw new InvalidEventException(
                    Code.FIELD_TOO_LONG, field + " names more than " + MAX_PATHS + " secret paths", eventId);
        }
    }

    /**
     * A field name as a reason may show it: control characters escaped, at most {@value #MAX_NAME_SHOWN} characters.
     */
    public static String shown(final String name) {
        final StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < name.length() && b.length() < MAX_NAME_SHOWN) {
            final int c = name.codePointAt(i);
            if (isControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return i < name.length() ? b + "…" : b.toString();
    }

    private static boolean hasControlCharacter(final String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** C0, DEL, C1 and the Unicode line and paragraph separators: what could break a log line or a header. */
    private static boolean isControl(final int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }

    private static InvalidEventException tooLong(final String field, final int max, final String eventId) {
        return new InvalidEventException(
                Code.FIELD_TOO_LONG, field + " is longer than " + max + " characters", eventId);
    }
}
