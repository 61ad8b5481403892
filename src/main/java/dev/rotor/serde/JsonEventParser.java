package dev.rotor.serde;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.serde.InvalidEventException.Code;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the JSON form of a security event (DESIGN.md §2) into a {@link SecurityEvent}.
 *
 * <p>Strict where ambiguity could be used to trick rotor: duplicate keys and trailing content are refused. Errors name
 * the field and what was expected, never the value found. A timestamp without a zone is read as UTC (the original
 * implementation wrote {@code datetime.utcnow().isoformat()}); a whole number is read as epoch milliseconds.
 */
public final class JsonEventParser {
    /** Refuses duplicate keys and trailing content; never echoes input in its errors' locations. Immutable. */
    public static final ObjectReader STRICT_READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build().reader();

    private JsonEventParser() {
    }

    public static SecurityEvent parse(final byte[] bytes) {
        final JsonNode root;
        try {
            root = STRICT_READER.readTree(bytes);
        } catch (final JsonProcessingException e) {
            final JsonLocation at = e.getLocation();
            final String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidEventException(Code.INVALID_JSON, "not valid JSON" + where);
        } catch (final IOException e) {
            throw new InvalidEventException(Code.INVALID_JSON, "not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException(Code.INVALID_JSON, "a security event must be a JSON object");
        }
        final String eventId = optionalString(root, "event_id");
        try {
            return SecurityEvent.newBuilder()
                    .setEventId(eventId)
                    .setEventType(requiredString(root, "event_type"))
                    .setThreatLevel(threatLevel(root))
                    .setDescription(orEmpty(optionalString(root, "description")))
                    .setAffectedResources(stringArray(root, "affected_resources"))
                    .setSourceIp(optionalString(root, "source_ip"))
                    .setTimestamp(timestamp(root))
                    .setMetadata(metadata(root))
                    .build();
        } catch (final InvalidEventException e) {
            throw eventId == null ? e : e.forEvent(eventId);
        }
    }

    /** ISO-8601 with or without offset (no offset = UTC); public so other input formats read time the same way. */
    public static Instant parseTimestamp(final String text) {
        final Instant fast = utcFastPath(text);
        if (fast != null) {
            return fast;
        }
        try {
            final TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(text.trim(), OffsetDateTime::from,
                    LocalDateTime::from);
            return t instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
        } catch (final DateTimeParseException e) {
            throw new InvalidEventException(Code.INVALID_TIMESTAMP,
                    "timestamp is not an ISO-8601 date-time (e.g. 2026-01-15T10:30:00Z)");
        }
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, the form nearly every sender uses, read without the general formatter
     * (which costs more than the rest of an event's decoding); anything else returns null and takes the general path.
     */
    static Instant utcFastPath(final String t) {
        final int n = t.length();
        if (n < 20 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        final int year = digits(t, 0, 4);
        final int month = digits(t, 5, 7);
        final int day = digits(t, 8, 10);
        final int hour = digits(t, 11, 13);
        final int minute = digits(t, 14, 16);
        final int second = digits(t, 17, 19);
        int nanos = 0;
        if (n > 20) {
            if (t.charAt(19) != '.' || n - 21 < 1 || n - 21 > 9) {
                return null;
            }
            final int fraction = digits(t, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 21; i < 9; i++) {
                nanos *= 10;
            }
        } else if (t.charAt(19) != 'Z') {
            return null;
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (final java.time.DateTimeException e) {
            return null; // e.g. February 30th: the general path reports it
        }
    }

    /** The decimal number in t[from, to), or -1 when a character is not a digit. */
    private static int digits(final String t, final int from, final int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            final char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static ThreatLevel threatLevel(final JsonNode root) {
        final String level = requiredString(root, "threat_level").trim().toLowerCase(Locale.ROOT);
        for (final ThreatLevel t : ThreatLevel.values()) {
            if (t.name().equals(level)) {
                return t;
            }
        }
        throw new InvalidEventException(Code.INVALID_THREAT_LEVEL,
                "threat_level must be one of low, medium, high, critical");
    }

    private static Instant timestamp(final JsonNode root) {
        final JsonNode node = root.get("timestamp");
        if (node == null || node.isNull()) {
            throw new InvalidEventException(Code.MISSING_FIELD, "timestamp is missing");
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Instant.ofEpochMilli(node.longValue());
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(Code.INVALID_TIMESTAMP,
                    "timestamp must be an ISO-8601 string or epoch milliseconds, found " + kind(node));
        }
        return parseTimestamp(node.textValue());
    }

    private static Map<String, String> metadata(final JsonNode root) {
        final JsonNode node = root.get("metadata");
        final Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw wrongType("metadata", "an object", node);
        }
        for (final Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> e = it.next();
            final JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (v.isValueNode()) {
                out.put(e.getKey(), v.asText());
            } else if (v.isArray() && "secret_paths".equals(e.getKey())) {
                out.put(e.getKey(), String.join(",", stringArray(node, "secret_paths")));
            } else {
                throw wrongType("metadata." + e.getKey(), "a string, number or boolean", v);
            }
        }
        return out;
    }

    private static List<String> stringArray(final JsonNode parent, final String field) {
        final JsonNode node = parent.get(field);
        final List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw wrongType(field, "an array of strings", node);
        }
        for (final JsonNode item : node) {
            if (!item.isTextual()) {
                throw wrongType(field + "[]", "a string", item);
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static String requiredString(final JsonNode root, final String field) {
        final String v = optionalString(root, field);
        if (v == null || v.isBlank()) {
            throw new InvalidEventException(Code.MISSING_FIELD, field + " is missing");
        }
        return v;
    }

    private static String optionalString(final JsonNode root, final String field) {
        final JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(field, "a string", node);
        }
        return node.textValue();
    }

    private static String orEmpty(final String s) {
        return s == null ? "" : s;
    }

    private static InvalidEventException wrongType(final String field, final String expected, final JsonNode found) {
        return new InvalidEventException(Code.WRONG_TYPE, field + " must be " + expected + ", found " + kind(found));
    }

    /** What a JSON value is, for error messages that must not quote the value itself. */
    public static String kind(final JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            case NULL, MISSING -> "null";
            default -> "an unsupported value";
        };
    }

}
