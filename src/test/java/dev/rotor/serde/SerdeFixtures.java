package dev.rotor.serde;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** Records, schema variants and wire bytes shared by the serde tests. */
final class SerdeFixtures {
    /** A value that must never appear in an error message. */
    static final String SECRET = "s3cr3t-hunter2-do-not-log";

    private SerdeFixtures() {}

    static String freshScope() {
        return "serde-test-" + UUID.randomUUID();
    }

    static Map<String, Object> config(final String scope, final Object... keysAndValues) {
        final Map<String, Object> config = new HashMap<>();
        config.put("schema.registry.url", "mock://" + scope);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    static SecurityEvent securityEvent() {
        return SecurityEvent.newBuilder()
                .setEventId("evt-1")
                .setEventType("credential_leak")
                .setThreatLevel(ThreatLevel.critical)
                .setDescription("leaked token " + SECRET)
                .setAffectedResources(List.of("secret/prod/api-key", "secret/prod/db"))
                .setSourceIp("203.0.113.7")
                .setTimestamp(Instant.ofEpochMilli(1_760_000_000_123L))
                .setMetadata(Map.of("failed_count", "12", "token", SECRET))
                .build();
    }

    static AuditRecord auditRecord() {
        return AuditRecord.newBuilder()
                .setAuditId("audit-1")
                .setDecision(AuditDecision.ROTATE)
                .setReason("credential_leak at critical")
                .setEventId("evt-1")
                .setSecretPath("secret/prod/api-key")
                .setThreatLevel(ThreatLevel.high)
                .setEventTime(Instant.ofEpochMilli(1_760_000_000_000L))
                .setRecordedAt(Instant.ofEpochMilli(1_760_000_000_500L))
                .setDetails(Map.of("rule", "leak"))
                .build();
    }

    /** SecurityEvent's schema without the named fields (an older or a broken writer). */
    static Schema securityEventWithout(final String... dropped) {
        final Schema current = SecurityEvent.getClassSchema();
        final List<Schema.Field> fields = new ArrayList<>();
        for (final Schema.Field f : current.getFields()) {
            if (!List.of(dropped).contains(f.name())) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** SecurityEvent's schema plus an int field (with or without a default), as a later version might have. */
    static Schema securityEventWithExtraField(final String name, final boolean withDefault) {
        final Schema current = SecurityEvent.getClassSchema();
        final List<Schema.Field> fields = new ArrayList<>();
        for (final Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(
                withDefault
                        ? new Schema.Field(name, Schema.create(Schema.Type.INT), null, 0)
                        : new Schema.Field(name, Schema.create(Schema.Type.INT), null, (Object) null));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** A generic record of {@code schema} with the SecurityEvent fields it has, filled like {@link #securityEvent}. */
    static GenericRecord genericSecurityEvent(final Schema schema) {
        final SecurityEvent event = securityEvent();
        final GenericData.Record record = new GenericData.Record(schema);
        for (final Schema.Field f : schema.getFields()) {
            final Schema.Field own = SecurityEvent.getClassSchema().getField(f.name());
            if (own == null) {
                record.put(f.name(), 7);
                continue;
            }
            Object value = event.get(own.pos());
            if (value instanceof ThreatLevel level) {
                value = new GenericData.EnumSymbol(f.schema(), level.name());
            } else if (value instanceof Instant instant) {
                value = instant.toEpochMilli();
            }
            record.put(f.name(), value);
        }
        return record;
    }

    /** Confluent wire bytes: magic byte, id, then {@code record} in Avro binary with its own schema. */
    static byte[] wire(final int id, final GenericRecord record) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] header(final int id, final byte... body) {
        final byte[] bytes = new byte[5 + body.length];
        bytes[1] = (byte) (id >>> 24);
        bytes[2] = (byte) (id >>> 16);
        bytes[3] = (byte) (id >>> 8);
        bytes[4] = (byte) id;
        System.arraycopy(body, 0, bytes, 5, body.length);
        return bytes;
    }

    static int idOf(final byte[] wire) {
        return (wire[1] & 0xff) << 24 | (wire[2] & 0xff) << 16 | (wire[3] & 0xff) << 8 | (wire[4] & 0xff);
    }
}
