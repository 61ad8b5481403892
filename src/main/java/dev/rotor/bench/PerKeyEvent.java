package dev.rotor.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One secret's share of a security event as baseline (b3) carries it through its repartition: what the per-key rules
 * need (what to do, event time, weight, event id) and nothing else. {@link #parse} reads the JSON with Jackson's
 * streaming parser and applies rotor's trigger matrix (DESIGN.md §3) on the way; events that ask for nothing, or that
 * it cannot read, give no share (the baseline has no audit and no DLQ).
 *
 * @param action what the event asks for on this secret
 * @param eventTime the event's own time, epoch ms
 * @param weight failed_count / violation_count, else 1
 * @param eventId the event's id (commands carry it; counting uses its fingerprint)
 */
record PerKeyEvent(Action action, long eventTime, long weight, String eventId) {
    /** The trigger matrix's outcomes that reach the rules, with the rule name a command carries. */
    enum Action {
        ROTATE_MANUAL("manual-trigger"),
        ROTATE_CRITICAL("critical-threat"),
        ROTATE_HIGH("high-threat-indicator"),
        COUNT_FAILED_AUTH("failed-auth-threshold"),
        COUNT_RATE_LIMIT("rate-limit-threshold");

        final String rule;

        Action(final String rule) {
            this.rule = rule;
        }

        boolean rotates() {
            return this == ROTATE_MANUAL || this == ROTATE_CRITICAL || this == ROTATE_HIGH;
        }
    }

    /** An event read from JSON: its action and the secrets it names. */
    record Parsed(PerKeyEvent event, List<String> paths) {}

    private static final JsonFactory JSON = new JsonFactory();
    private static final Action[] ACTIONS = Action.values();

    /** Reads one event; empty when it asks for nothing or cannot be read. */
    static Optional<Parsed> parse(final byte[] json) {
        String id = null;
        String type = null;
        String level = null;
        String timestamp = null;
        long timestampNumber = Long.MIN_VALUE;
        String failedCount = null;
        String violationCount = null;
        final List<String> paths = new ArrayList<>(1);
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String field = p.currentName();
                final JsonToken value = p.nextToken();
                switch (field) {
                    case "event_id" -> id = p.getValueAsString();
                    case "event_type" -> type = p.getValueAsString();
                    case "threat_level" -> level = p.getValueAsString();
                    case "timestamp" -> {
                        if (value == JsonToken.VALUE_NUMBER_INT) {
                            timestampNumber = p.getLongValue();
                        } else {
                            timestamp = p.getValueAsString();
                        }
                    }
                    case "affected_resources" -> {
                        if (value == JsonToken.START_ARRAY) {
                            while (p.nextToken() == JsonToken.VALUE_STRING) {
                                paths.add(p.getText());
                            }
                            if (p.currentToken() != JsonToken.END_ARRAY) {
                                return Optional.empty();
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "metadata" -> {
                        if (value == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                final String key = p.currentName();
                                p.nextToken();
                                if (key.equals("failed_count")) {
                                    failedCount = p.getValueAsString();
                                } else if (key.equals("violation_count")) {
                                    violationCount = p.getValueAsString();
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (final IOException e) {
            return Optional.empty();
        }
        if (type == null
                || level == null
                || paths.isEmpty()
                || (timestamp == null && timestampNumber == Long.MIN_VALUE)) {
            return Optional.empty();
        }
        final Action action = decide(type, level);
        if (action == null) {
            return Optional.empty();
        }
        final long time;
        final long weight;
        try {
            time = timestamp != null ? Instant.parse(timestamp).toEpochMilli() : timestampNumber;
            weight = action == Action.COUNT_FAILED_AUTH
                    ? weight(failedCount)
                    : action == Action.COUNT_RATE_LIMIT ? weight(violationCount) : 1;
        } catch (final DateTimeParseException | NumberFormatException e) {
            return Optional.empty();
        }
        if (id == null) {
            id = Long.toHexString(fingerprint(new String(json, StandardCharsets.UTF_8)));
        }
        return Optional.of(new Parsed(new PerKeyEvent(action, time, weight, id), paths));
    }

    /** rotor's trigger matrix (DESIGN.md §3); null: the event asks for nothing. */
    static Action decide(final String type, final String level) {
        if (type.equalsIgnoreCase("manual_trigger")) {
            return Action.ROTATE_MANUAL;
        }
        if (level.equalsIgnoreCase("critical")) {
            return Action.ROTATE_CRITICAL;
        }
        if (type.equalsIgnoreCase("failed_auth_spike")) {
            return Action.COUNT_FAILED_AUTH;
        }
        if (type.equalsIgnoreCase("rate_limit_exceeded")) {
            return Action.COUNT_RATE_LIMIT;
        }
        final boolean indicator = type.equalsIgnoreCase("leaked_credential")
                || type.equalsIgnoreCase("api_key_exposed")
                || type.equalsIgnoreCase("unauthorized_access")
                || type.equalsIgnoreCase("brute_force_attack");
        return indicator && level.equalsIgnoreCase("high") ? Action.ROTATE_HIGH : null;
    }

    private static long weight(final String count) {
        if (count == null) {
            return 1;
        }
        final long n = Long.parseLong(count.trim());
        if (n < 0) {
            throw new NumberFormatException("negative count");
        }
        return n;
    }

    /** 64-bit FNV-1a over the UTF-16 code units: compact duplicate detection. */
    static long fingerprint(final String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            h = (h ^ (c & 0xff)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        return h;
    }

    static Serde<PerKeyEvent> serde() {
        return Serdes.serdeFrom(
                (topic, e) -> e == null ? null : e.toBytes(), (topic, b) -> b == null ? null : fromBytes(b));
    }

    @SuppressWarnings("EnumOrdinal") // the bench's own repartition format, written and read by the same build
    byte[] toBytes() {
        final byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 8 + 8 + id.length)
                .put((byte) action.ordinal())
                .putLong(eventTime)
                .putLong(weight)
                .put(id)
                .array();
    }

    static PerKeyEvent fromBytes(final byte[] bytes) {
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        final Action action = ACTIONS[b.get()];
        final long time = b.getLong();
        final long weight = b.getLong();
        return new PerKeyEvent(action, time, weight, new String(bytes, 17, bytes.length - 17, StandardCharsets.UTF_8));
    }
}
