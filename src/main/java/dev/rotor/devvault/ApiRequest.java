package dev.rotor.devvault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed API request: operation, path below {@code /v1/} and its parameters (the JSON body for writes, the query
 * string for reads, lists and deletes, as Vault does). Field accessors record which parameters an engine used, so the
 * router can add Vault's "ignored these unrecognized parameters" warning.
 */
final class ApiRequest {
    private final String requestId;
    private final String method;
    private final Operation operation;
    private final String path;
    private final ObjectNode data;
    private final Set<String> consumed = new TreeSet<>();
    private TokenStore.Token token;

    ApiRequest(String requestId, String method, Operation operation, String path, ObjectNode data) {
        this.requestId = requestId;
        this.method = method;
        this.operation = operation;
        this.path = path;
        this.data = data;
    }

    String requestId() {
        return requestId;
    }

    String method() {
        return method;
    }

    Operation operation() {
        return operation;
    }
    /** Path below {@code /v1/}, decoded; list requests end in {@code /}. */
    String path() {
        return path;
    }
    /** The authenticated token, or null on unauthenticated paths. */
    TokenStore.Token token() {
        return token;
    }

    void token(TokenStore.Token authenticated) {
        this.token = authenticated;
    }

    boolean isWrite() {
        return operation == Operation.WRITE;
    }

    /** The raw parameter (null when absent), marking it as recognised. */
    JsonNode field(String name) {
        consumed.add(name);
        JsonNode value = data.get(name);
        return value == null || value.isNull() ? null : value;
    }

    boolean has(String name) {
        consumed.add(name);
        return data.hasNonNull(name);
    }

    /** Whether the parameter was sent at all, even as JSON null. */
    boolean present(String name) {
        consumed.add(name);
        return data.has(name);
    }

    String string(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return "";
        }
        if (v.isTextual() || v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        throw invalid(name, "expected a string");
    }

    Long integer(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isTextual() && v.asText().trim().matches("-?\\d+")) {
            return Long.parseLong(v.asText().trim());
        }
        throw invalid(name, "expected an integer");
    }

    Boolean bool(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual()) {
            String s = v.asText().trim().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("1") || s.equals("t")) {
                return true;
            }
            if (s.equals("false") || s.equals("0") || s.equals("f")) {
                return false;
            }
        }
        if (v.isIntegralNumber()) {
            return v.asLong() != 0;
        }
        throw invalid(name, "expected a boolean");
    }

    /** A duration field in whole seconds: an integer number of seconds or a Go duration string. */
    Long durationSeconds(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return Times.parseDurationSeconds(v.asText());
            } catch (IllegalArgumentException e) {
                throw invalid(name, "expected a duration");
            }
        }
        throw invalid(name, "expected a duration");
    }

    /** A list of strings: a JSON array, or a comma-separated string (Vault's TypeCommaStringSlice). */
    List<String> strings(String name) {
        JsonNode v = field(name);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isArray()) {
            for (JsonNode item : v) {
                if (!item.isValueNode()) {
                    throw invalid(name, "expected a list of strings");
                }
                out.add(item.asText());
            }
        } else if (v.isTextual()) {
            for (String part : v.asText().split(",", -1)) {
                if (!part.trim().isEmpty()) {
                    out.add(part.trim());
                }
            }
        } else {
            throw invalid(name, "expected a list of strings");
        }
        return out;
    }

    /** A list of integers: an array of numbers/numeric strings, or a comma-separated string. Null when absent. */
    List<Long> integers(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        try {
            if (v.isArray()) {
                for (JsonNode item : v) {
                    out.add(
                            item.isIntegralNumber()
                                    ? item.asLong()
                                    : Long.parseLong(item.asText().trim()));
                }
            } else if (v.isIntegralNumber()) {
                out.add(v.asLong());
            } else if (v.isTextual()) {
                for (String part : v.asText().split(",", -1)) {
                    if (!part.trim().isEmpty()) {
                        out.add(Long.parseLong(part.trim()));
                    }
                }
            } else {
                throw invalid(name, "expected a list of integers");
            }
        } catch (NumberFormatException e) {
            throw invalid(name, "expected a list of integers");
        }
        return out;
    }

    /** A string-to-string map (Vault's TypeKVPairs); null when absent. Non-string values are rejected. */
    Map<String, String> stringMap(String name) {
        JsonNode v = field(name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw invalid(name, "expected a map");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw invalid(name, "expected string values");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** Parameter names that were sent but never read by the engine, sorted. */
    List<String> unrecognizedFields() {
        List<String> unknown = new ArrayList<>();
        data.fieldNames().forEachRemaining(n -> {
            if (!consumed.contains(n)) {
                unknown.add(n);
            }
        });
        unknown.sort(null);
        return unknown;
    }

    static ApiError invalid(String field, String reason) {
        return ApiError.badRequest(
                "Field validation failed: error converting input for field \"" + field + "\": " + reason);
    }
}
