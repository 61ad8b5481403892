package dev.rotor.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} for specific Avro records in Confluent's wire format, configured with Confluent's property
 * names so the same properties work for rotor and for Confluent-based tools:
 *
 * <ul>
 *   <li>{@code schema.registry.url} (required): {@code http(s)://...} (comma-separated for several) or
 *       {@code mock://<scope>}; auth and timeouts as in {@link SchemaRegistries};
 *   <li>{@code auto.register.schemas} (default true): register the record's schema on first use;
 *   <li>{@code use.latest.version} (default false): with auto-registration off, write with the subject's latest id;
 *       {@code latest.cache.ttl.sec} (default -1, for ever) is how long that answer is kept;
 *   <li>{@code key.subject.name.strategy} / {@code value.subject.name.strategy}: see {@link SubjectNameStrategy}.
 * </ul>
 *
 * With neither auto-registration nor latest version, the record's schema must already be registered (looked up). See
 * {@link ConfluentAvroSerializer} and {@link ConfluentAvroDeserializer} for the details of each direction.
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {
    public static final String SCHEMA_REGISTRY_URL = SchemaRegistries.URL;
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    private final ConfluentAvroSerializer<T> serializer;
    private final ConfluentAvroDeserializer<T> deserializer;

    /** A serde for {@code type}; its registry comes from {@code schema.registry.url} in {@link #configure}. */
    public ConfluentAvroSerde(final Class<T> type) {
        this(type, null);
    }

    /** A serde for {@code type} that uses {@code registry} (and ignores {@code schema.registry.url}). */
    public ConfluentAvroSerde(final Class<T> type, final SchemaRegistry registry) {
        this.serializer = new ConfluentAvroSerializer<>(type, registry);
        this.deserializer = new ConfluentAvroDeserializer<>(type, registry);
    }

    /**
     * Whether bytes could be a Confluent-wire-format record: at least the 5-byte header and magic byte 0. A cheap sniff
     * (no registry call) for telling Avro from JSON on a mixed topic (JSON starts with '{' or '[', never 0).
     */
    public static boolean looksLikeConfluentAvro(final byte[] bytes) {
        return bytes != null
                && bytes.length >= ConfluentAvroSerializer.HEADER_SIZE
                && bytes[0] == ConfluentAvroSerializer.MAGIC_BYTE;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        // The registry clients are shared JVM-wide (SchemaRegistries); nothing of this serde's own to release.
    }
}
