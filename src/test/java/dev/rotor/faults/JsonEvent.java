package dev.rotor.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A JSON security event as a SIEM sends it (README "Input: security events"), built field by field so a test can make
 * any field hostile: {@code event("id-1").type("manual_trigger").level("low").paths("secret/faults/a")}. The timestamp
 * defaults to now.
 */
final class JsonEvent {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode node = JSON.createObjectNode();

    private JsonEvent(final String eventId) {
        if (eventId != null) {
            node.put("event_id", eventId);
        }
        node.put("event_type", "failed_auth_spike");
        node.put("threat_level", "low");
        node.put("description", "fault suite");
        node.putArray("affected_resources");
        node.put("timestamp", Instant.now().toString());
        node.putObject("metadata");
    }

    static JsonEvent event(final String eventId) {
        return new JsonEvent(eventId);
    }

    /** A manual trigger for one secret: always rotates. */
    static JsonEvent manualTrigger(final String eventId, final String path) {
        return event(eventId).type("manual_trigger").level("low").paths(path).description("fault suite trigger");
    }

    /** A low failed_auth_spike of weight 1 for one secret: counted, below the threshold of 10 on its own. */
    static JsonEvent failedLogin(final String eventId, final String path) {
        return event(eventId).type("failed_auth_spike").level("low").paths(path).description("one failed login");
    }

    JsonEvent type(final String type) {
        node.put("event_type", type);
        return this;
    }

    JsonEvent level(final String level) {
        node.put("threat_level", level);
        return this;
    }

    JsonEvent description(final String description) {
        node.put("description", description);
        return this;
    }

    JsonEvent paths(final String... paths) {
        return paths(List.of(paths));
    }

    JsonEvent paths(final List<String> paths) {
        final ArrayNode a = node.putArray("affected_resources");
        paths.forEach(a::add);
        return this;
    }

    JsonEvent timestamp(final String iso) {
        node.put("timestamp", iso);
        return this;
    }

    JsonEvent timestamp(final long number) {
        node.put("timestamp", number);
        return this;
    }

    JsonEvent sourceIp(final String ip) {
        node.put("source_ip", ip);
        return this;
    }

    JsonEvent metadata(final String key, final String value) {
        ((ObjectNode) node.get("metadata")).put(key, value);
        return this;
    }

    /** Any JSON value for a field, e.g. {@code raw("metadata", "{\"failed_count\": -1}")}. */
    JsonEvent raw(final String field, final String json) {
        try {
            node.set(field, JSON.readTree(json));
        } catch (final IOException e) {
            throw new IllegalArgumentException(e);
        }
        return this;
    }

    JsonEvent metadataRaw(final String key, final JsonNode value) {
        ((ObjectNode) node.get("metadata")).set(key, value);
        return this;
    }

    JsonEvent without(final String field) {
        node.remove(field);
        return this;
    }

    String json() {
        return node.toString();
    }

    byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }
}
