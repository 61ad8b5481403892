package dev.rotor.devvault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** JSON helpers shared by the engines: one mapper, and map builders for Go-style (sorted) and struct-ordered maps. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /**
     * A map with keys sorted, as Go's encoder writes every {@code map[string]interface{}} (Vault's {@code data}).
     * Arguments alternate key, value; values may be null.
     */
    static Map<String, Object> sorted(Object... keysAndValues) {
        Map<String, Object> map = new TreeMap<>();
        put(map, keysAndValues);
        return map;
    }

    /** A map that keeps insertion order, for bodies that mirror a Go struct (field order is declaration order). */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        put(map, keysAndValues);
        return map;
    }

    private static void put(Map<String, Object> map, Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must come in pairs");
        }
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
    }

    static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Converts a JSON object to plain Java maps/lists/scalars (a deep copy). */
    @SuppressWarnings("unchecked") // a JSON object converts to a map with String keys
    static Map<String, Object> toMap(JsonNode node) {
        return node == null || node.isNull() ? Map.of() : MAPPER.convertValue(node, LinkedHashMap.class);
    }
}
