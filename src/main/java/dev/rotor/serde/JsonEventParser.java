package dev.rotor.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.events.EventLimits;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import dev.rotor.events.Timestamps;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the JSON form of a security event (DESIGN.md §2) into a {@link SecurityEvent}.
 *
 * <p>Strict where ambiguity could be used to trick rotor: duplicate keys and trailing content are refused. Errors name
 * the field and what was expected, never the value found (a metadata key only in a capped, printable form). The
 * timestamp is read by {@link Timestamps}: ISO-8601 (no offset = UTC, as the original implementation wrote
 * {@code datetime.utcnow().isoformat()}) or epoch seconds or milliseconds, as a number or a string of digits. The event
 * id is checked ({@link EventLimits#eventId}) before any reason is tied to it.
 */
public final class JsonEventParser {
    /**
     * How deep JSON may nest. A security event nests 2 levels, the adapters' formats (CloudTrail, GuardDuty, OCSF)
     * about 10; Jackson's own default is 1,000. Deeper input is refused as INVALID_JSON by the parser itself, before
     * any recursion could exhaust the stack.
     */
    public static final int MAX_NESTING_DEPTH = 64;

    /**
     * Refuses duplicate keys, trailing content and nesting deeper than {@value #MAX_NESTING_DEPTH}; never echoes input
     * in its errors' locations. Immutable.
     */
    public static final ObjectReader STRICT_READER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .reader();

    private JsonEventParser() {}

    /**
     * {@code bytes} read by {@link #STRICT_READER}, or null when they hold no value. Errors name the position or the
     * limit that was exceeded, never the content.
     *
     * @throws InvalidEventException INVALID_JSON
     */
    public static JsonNode readStrict(final byte[] bytes) {
        try {
            return STRICT_READER.readTree(bytes);
        } catch (final StreamConstraintsException e) {
            // Jackson's message names the limit, not the content; ours says it in rotor's words
            throw new InvalidEventException(
                    Code.INVALID_JSON,
                    e.getMessage() != null && e.getMessage().contains("nesting depth")
                            ? "not valid JSON: nested deeper than " + MAX_NESTING_DEPTH + " levels"
                            : "not valid JSON: exceeds a parser limit (length of a number, " + "string or name)");
        } catch (final JsonProcessingException e) {
            final JsonLocation at = e.getLocation();
            final String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidEventException(Code.INVALID_JSON, "not valid JSON" + where);
        } catch (final IOException e) {
            throw new InvalidEventException(Code.INVALID_JSON, "not valid JSON");
        }
    }

    public static SecurityEvent parse(final byte[] bytes) {
        final JsonNode root = readStrict(bytes);
        if (root == null || !root.isObject()) {
            throw new InvalidEventException(Code.INVALID_JSON, "a security event must be a JSON object");
        }
        final String eventId = EventLimits.eventId(optionalString(root, "event_id"));
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

    private static ThreatLevel threatLevel(final JsonNode root) {
        final String level = requiredString(root, "threat_level").trim().toLowerCase(Locale.ROOT);
        for (final ThreatLevel t : ThreatLevel.values()) {
            if (t.name().equals(level)) {
                return t;
            }
        }
        throw new InvalidEventException(
                Code.INVALID_THREAT_LEVEL, "threat_level must be one of low, medium, high, critical");
    }

    private static Instant timestamp(final JsonNode root) {
        final JsonNode node = root.get("timestamp");
        if (node == null || node.isNull()) {
            throw new InvalidEventException(Code.MISSING_FIELD, "timestamp is missing");
        }
        return Timestamps.of(node, "timestamp");
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
        int position = 0;
        for (final Map.Entry<String, JsonNode> e : node.properties()) {
            EventLimits.metadataKey(e.getKey(), ++position, null);
            final JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (v.isValueNode()) {
                out.put(e.getKey(), v.asText());
            } else if (v.isArray() && "secret_paths".equals(e.getKey())) {
                out.put(e.getKey(), String.join(",", stringArray(node, "secret_paths")));
            } else {
                throw wrongType("metadata." + EventLimits.shown(e.getKey()), "a string, number or boolean", v);
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
