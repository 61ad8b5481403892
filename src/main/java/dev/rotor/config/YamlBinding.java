package dev.rotor.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;

/**
 * Binds rotor's YAML files to typed records with Jackson, strictly: an unknown key, or a value of the wrong kind (a
 * number where text belongs, text where a number belongs, {@code 32.5} for a whole number) is an error, never coerced.
 * Jackson's exceptions become a {@link ConfigException} naming the key in the file ({@code targets[2].generator.length
 * must be a whole number}).
 */
final class YamlBinding {
    private static final ObjectMapper MAPPER = strictMapper();

    private YamlBinding() {}

    /** Reads YAML text as a tree. */
    static JsonNode read(final String yaml) throws JsonProcessingException {
        return MAPPER.readTree(yaml);
    }

    /**
     * Binds {@code node} to {@code type}.
     *
     * @param key what the {@link ConfigException} names before the key in the file ({@code rotor.targets.file (x)})
     * @throws ConfigException naming the key in the file and what it must be
     */
    static <T> T bind(final JsonNode node, final Class<T> type, final String key) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (final JsonProcessingException e) {
            throw new ConfigException(key, problem(e));
        }
    }

    private static String problem(final JsonProcessingException e) {
        final String where = e instanceof JsonMappingException m ? where(m) : "the file";
        if (e instanceof UnrecognizedPropertyException u) {
            final TreeSet<String> known = new TreeSet<>();
            u.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
            return where + " is not an option here (known: " + String.join(", ", known) + ")";
        }
        if (e.getCause() instanceof IllegalArgumentException invalid) {
            return where + " " + invalid.getMessage(); // a creator's own check: its message says what is allowed
        }
        if (e instanceof MismatchedInputException m) {
            return where + " must be " + expected(m.getTargetType());
        }
        return where + " cannot be read: "
                + e.getOriginalMessage().lines().findFirst().orElse("");
    }

    /** {@code targets[2].generator.length}; a top-level key as {@code 'principals:'}. */
    private static String where(final JsonMappingException e) {
        final StringBuilder out = new StringBuilder();
        for (final JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        if (e.getPath().size() == 1 && e.getPath().get(0).getFieldName() != null) {
            return "'" + out + ":'";
        }
        return out.isEmpty() ? "the file" : out.toString();
    }

    private static String expected(final Class<?> type) {
        if (type == null) {
            return "of another kind";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || type.isInterface()) {
            return "a map";
        }
        return "of another kind";
    }

    private static ObjectMapper strictMapper() {
        final YAMLMapper mapper = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // a list option may be written as its single value (`fields: password`), as before binding
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .build();
        // text only from text, numbers only from numbers: `length: "32"` and `name: 123` are mistakes to report
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }
}
