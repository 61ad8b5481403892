package dev.rotor.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.serde.RegistryUnavailableException;
import dev.rotor.serde.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Security events in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary), written with schema
 * versions registered in a real registry: version 0 is {@code schemas/SecurityEvent.avsc}; version k adds k optional
 * fields ({@code fault_probe_1..k}, default null), so each is BACKWARD compatible with the one before and rotor reads
 * every one as its own class, but each has its own schema id, which a reader has to fetch once.
 */
final class AvroEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A registered writer schema. */
    record Version(int number, int id, Schema schema) {}

    private AvroEvents() {}

    /**
     * Registers versions 0..count-1 under {@code subject} and returns them with their ids. A registration that times
     * out is sent again (registering the same schema twice gives the same id): the shared registry's first answers can
     * be slow while it warms up on a busy machine, and that is not what the fault scenario is about.
     */
    static List<Version> register(final SchemaRegistry registry, final String subject, final int count) {
        final List<Version> versions = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            final Schema schema = withProbeFields(k);
            versions.add(new Version(k, registerPatiently(registry, subject, schema), schema));
        }
        return versions;
    }

    private static int registerPatiently(final SchemaRegistry registry, final String subject, final Schema schema) {
        for (int attempt = 1; ; attempt++) {
            try {
                return registry.register(subject, schema);
            } catch (final RegistryUnavailableException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static Schema withProbeFields(final int k) {
        try {
            final ObjectNode schema =
                    (ObjectNode) JSON.readTree(SecurityEvent.getClassSchema().toString());
            final ArrayNode fields = (ArrayNode) schema.get("fields");
            for (int i = 1; i <= k; i++) {
                final ObjectNode f = fields.addObject();
                f.put("name", "fault_probe_" + i);
                f.putArray("type").add("null").add("string");
                f.putNull("default");
            }
            return new Schema.Parser().parse(schema.toString());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A low failed_auth_spike (counted, below the threshold) for one secret, written with {@code version}. */
    static byte[] failedLogin(final Version version, final String eventId, final String path) {
        final GenericRecord r = new GenericData.Record(version.schema());
        r.put("event_id", eventId);
        r.put("event_type", "failed_auth_spike");
        r.put(
                "threat_level",
                new GenericData.EnumSymbol(
                        version.schema().getField("threat_level").schema(), "low"));
        r.put("description", "one failed login (Avro, schema version " + version.number() + ")");
        r.put("affected_resources", List.of(path));
        r.put("source_ip", null);
        r.put("timestamp", Instant.now().toEpochMilli());
        r.put("metadata", Map.of());
        return wire(version.id(), version.schema(), r);
    }

    /** The Confluent wire format of {@code record}: 0, the id (big-endian), the Avro binary. */
    static byte[] wire(final int id, final Schema schema, final GenericRecord record) {
        try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
