package dev.rotor.detection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds JSON security events the way a SIEM would publish them. */
final class Events {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ObjectNode node = MAPPER.createObjectNode();

    private Events(final String type, final String level) {
        node.put("event_type", type);
        node.put("threat_level", level);
        node.put("description", type + " reported by test");
        node.putArray("affected_resources");
        node.putObject("metadata");
    }

    static Events event(final String type, final String level) {
        return new Events(type, level);
    }

    Events id(final String id) {
        node.put("event_id", id);
        return this;
    }

    Events at(final Instant t) {
        node.put("timestamp", t.toString());
        return this;
    }

    Events paths(final String... paths) {
        final ArrayNode a = node.putArray("affected_resources");
        for (final String p : paths) {
            a.add(p);
        }
        return this;
    }

    Events meta(final String key, final String value) {
        ((ObjectNode) node.get("metadata")).put(key, value);
        return this;
    }

    Events meta(final String key, final long value) {
        ((ObjectNode) node.get("metadata")).put(key, value);
        return this;
    }

    Events metaArray(final String key, final String... values) {
        final ArrayNode a = ((ObjectNode) node.get("metadata")).putArray(key);
        for (final String v : values) {
            a.add(v);
        }
        return this;
    }

    Events set(final String field, final String value) {
        node.put(field, value);
        return this;
    }

    Events remove(final String field) {
        node.remove(field);
        return this;
    }

    ObjectNode json() {
        return node;
    }

    byte[] bytes() {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
