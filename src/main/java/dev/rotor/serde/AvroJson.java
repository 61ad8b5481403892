package dev.rotor.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The plain JSON form of rotor's records ({@code rotor.output.format=json}): the schema's field names, enums as their
 * symbols, timestamps as ISO-8601 UTC strings, a nullable field as its value or {@code null}. This is what a human or a
 * {@code jq} pipeline expects; Avro's own JSON encoding (unions wrapped in type names) is not.
 */
public final class AvroJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {}

    public static <T extends SpecificRecord> Serde<T> serde(final Class<T> type) {
        final Serializer<T> ser = (topic, record) -> record == null ? null : toBytes(record);
        final Deserializer<T> de = (topic, bytes) -> bytes == null ? null : fromBytes(bytes, type);
        return Serdes.serdeFrom(ser, de);
    }

    public static byte[] toBytes(final SpecificRecord record) {
        try {
            return MAPPER.writeValueAsBytes(toTree(record));
        } catch (final IOException e) {
            throw new SerializationException(
                    "cannot write " + record.getSchema().getName() + " as JSON");
        }
    }

    public static ObjectNode toTree(final SpecificRecord record) {
        return (ObjectNode) write(record, record.getSchema());
    }

    public static <T extends SpecificRecord> T fromBytes(final byte[] bytes, final Class<T> type) {
        final JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (final IOException e) {
            throw new SerializationException("not valid JSON for " + type.getSimpleName());
        }
        final Schema schema = SpecificData.get().getSchema(type);
        @SuppressWarnings("unchecked") // read with the class's own schema and model, so the datum is a T
        final T record = (T) read(tree, schema, SpecificData.getForClass(type));
        return record;
    }

    private static JsonNode write(final Object value, final Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD -> {
                final SpecificRecord r = (SpecificRecord) value;
                final ObjectNode o = NODES.objectNode();
                for (final Schema.Field f : schema.getFields()) {
                    o.set(f.name(), write(r.get(f.pos()), f.schema()));
                }
                return o;
            }
            case UNION -> {
                for (final Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        return write(value, branch);
                    }
                }
                return NODES.nullNode();
            }
            case ARRAY -> {
                final ArrayNode a = NODES.arrayNode();
                for (final Object item : (Iterable<?>) value) {
                    a.add(write(item, schema.getElementType()));
                }
                return a;
            }
            case MAP -> {
                final ObjectNode o = NODES.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> o.set(k.toString(), write(v, schema.getValueType())));
                return o;
            }
            case LONG -> {
                if (value instanceof Instant i) {
                    return NODES.textNode(i.toString());
                }
                return NODES.numberNode(((Number) value).longValue());
            }
            case INT -> {
                return NODES.numberNode(((Number) value).intValue());
            }
            case BOOLEAN -> {
                return NODES.booleanNode((Boolean) value);
            }
            case DOUBLE, FLOAT -> {
                return NODES.numberNode(((Number) value).doubleValue());
            }
            default -> {
                return NODES.textNode(value.toString());
            }
        }
    }

    private static Object read(final JsonNode node, final Schema schema, final SpecificData model) {
        if (node == null || node.isNull()) {
            return null;
        }
        switch (schema.getType()) {
            case RECORD -> {
                final SpecificRecord r = (SpecificRecord) model.newRecord(null, schema);
                for (final Schema.Field f : schema.getFields()) {
                    final JsonNode v = node.get(f.name());
                    r.put(
                            f.pos(),
                            v == null && f.hasDefaultValue()
                                    ? model.deepCopy(f.schema(), model.getDefaultValue(f))
                                    : read(v, f.schema(), model));
                }
                return r;
            }
            case UNION -> {
                for (final Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        return read(node, branch, model);
                    }
                }
                return null;
            }
            case ARRAY -> {
                final List<Object> out = new ArrayList<>();
                node.forEach(item -> out.add(read(item, schema.getElementType(), model)));
                return out;
            }
            case MAP -> {
                final Map<String, Object> out = new LinkedHashMap<>();
                for (final Map.Entry<String, JsonNode> e : node.properties()) {
                    out.put(e.getKey(), read(e.getValue(), schema.getValueType(), model));
                }
                return out;
            }
            case ENUM -> {
                return model.createEnum(node.asText(), schema);
            }
            case LONG -> {
                final LogicalType lt = schema.getLogicalType();
                if (lt instanceof LogicalTypes.TimestampMillis) {
                    return node.isTextual() ? Instant.parse(node.asText()) : Instant.ofEpochMilli(node.asLong());
                }
                return node.asLong();
            }
            case INT -> {
                return node.asInt();
            }
            case BOOLEAN -> {
                return node.asBoolean();
            }
            case DOUBLE, FLOAT -> {
                return node.asDouble();
            }
            default -> {
                return node.asText();
            }
        }
    }
}
