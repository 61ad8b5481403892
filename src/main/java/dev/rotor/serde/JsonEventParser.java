package dev.rotor.serde;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.events.EventLimits;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import dev.rotor.events.Timestamps;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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

    /** {@link #STRICT_READER} for a value inside a document that goes on after it. */
    private static final ObjectReader VALUE_READER =
            STRICT_READER.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The top-level fields of a security event (DESIGN.md §2); others are allowed and ignored. */
    private static final Set<String> FIELDS = Set.of(
            "event_id",
            "event_type",
            "threat_level",
            "description",
            "affected_resources",
            "source_ip",
            "timestamp",
            "metadata");

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
        } catch (final IOException e) {
            throw invalidJson(e);
        }
    }

    /** A parser or limit error in rotor's words: the position or the limit, never the content. */
    private static InvalidEventException invalidJson(final IOException e) {
        if (e instanceof StreamConstraintsException) {
            // Jackson's message names the limit, not the content; ours says it in rotor's words
            return new InvalidEventException(
                    Code.INVALID_JSON,
                    e.getMessage() != null && e.getMessage().contains("nesting depth")
                            ? "not valid JSON: nested deeper than " + MAX_NESTING_DEPTH + " levels"
                            : "not valid JSON: exceeds a parser limit (length of a number, " + "string or name)");
        }
        if (e instanceof JsonProcessingException j) {
            return new InvalidEventException(Code.INVALID_JSON, "not valid JSON" + where(j.getLocation()));
        }
        return new InvalidEventException(Code.INVALID_JSON, "not valid JSON");
    }

    private static String where(final JsonLocation at) {
        return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /**
     * The event in {@code bytes}.
     *
     * @throws InvalidEventException naming the field and what it must be, or INVALID_JSON with the position
     */
    public static SecurityEvent parse(final byte[] bytes) {
        final Map<String, JsonNode> root = topLevelFields(bytes);
        final String eventId = EventLimits.eventId(optionalString(root, "event_id"));
        try {
            return SecurityEvent.newBuilder()
                    .setEventId(eventId)
                    .setEventType(requiredString(root, "event_type"))
                    .setThreatLevel(threatLevel(root))
                    .setDescription(orEmpty(optionalString(root, "description")))
                    .setAffectedResources(stringArray(root.get("affected_resources"), "affected_resources"))
                    .setSourceIp(optionalString(root, "source_ip"))
                    .setTimestamp(timestamp(root))
                    .setMetadata(metadata(root))
                    .build();
        } catch (final InvalidEventException e) {
            throw eventId == null ? e : e.forEvent(eventId);
        }
    }

    /**
     * The top-level fields rotor reads ({@link #FIELDS}), read with the streaming parser: a string (nearly every field
     * of nearly every event) becomes a text node without building the rest of the tree, and other fields are skipped.
     * Skipped content is still tokenised, so a syntax error, a duplicate key or too deep a nesting anywhere refuses the
     * record as before. A top level other than an object is read as a tree, so its errors stay those of
     * {@link #readStrict}.
     */
    private static Map<String, JsonNode> topLevelFields(final byte[] bytes) {
        try (JsonParser p = STRICT_READER.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                readStrict(bytes); // throws INVALID_JSON when the bytes are no JSON at all
                throw new InvalidEventException(Code.INVALID_JSON, "a security event must be a JSON object");
            }
            final Map<String, JsonNode> fields = new HashMap<>(16);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String name = p.currentName();
                final JsonToken value = p.nextToken();
                if (!FIELDS.contains(name)) {
                    p.skipChildren();
                } else if (value == JsonToken.VALUE_STRING) {
                    fields.put(name, TextNode.valueOf(p.getText()));
                } else if (value == JsonToken.VALUE_NULL) {
                    fields.put(name, NullNode.getInstance());
                } else {
                    fields.put(name, VALUE_READER.readTree(p));
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidEventException(Code.INVALID_JSON, "not valid JSON" + where(p.currentLocation()));
            }
            return fields;
        } catch (final IOException e) {
            throw invalidJson(e);
        }
    }

    private static ThreatLevel threatLevel(final Map<String, JsonNode> root) {
        final String level = requiredString(root, "threat_level").trim().toLowerCase(Locale.ROOT);
        for (final ThreatLevel t : ThreatLevel.values()) {
            if (t.name().equals(level)) {
                return t;
            }
        }
        throw new InvalidEventException(
                Code.INVALID_THREAT_LEVEL, "threat_level must be one of low, medium, high, critical");
    }

    private static Instant timestamp(final Map<String, JsonNode> root) {
        final JsonNode node = root.get("timestamp");
        if (node == null || node.isNull()) {
            throw new InvalidEventException(Code.MISSING_FIELD, "timestamp is missing");
        }
        return Timestamps.of(node, "timestamp");
    }

    private static Map<String, String> metadata(final Map<String, JsonNode> root) {
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
                out.put(e.getKey(), String.join(",", stringArray(v, "secret_paths")));
            } else {
                throw wrongType("metadata." + EventLimits.shown(e.getKey()), "a string, number or boolean", v);
            }
        }
        return out;
    }

    private static List<String> stringArray(final JsonNode node, final String field) {
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

    private static String requiredString(final Map<String, JsonNode> root, final String field) {
        final String v = optionalString(root, field);
        if (v == null || v.isBlank()) {
            throw new InvalidEventException(Code.MISSING_FIELD, field + " is missing");
        }
        return v;
    }

    private static String optionalString(final Map<String, JsonNode> root, final String field) {
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
