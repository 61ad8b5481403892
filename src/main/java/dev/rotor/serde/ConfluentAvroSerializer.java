package dev.rotor.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes specific Avro records in Confluent's wire format: magic byte 0, the schema's registry id as a 4-byte
 * big-endian int, then Avro binary. Which id is used follows Confluent's settings (see {@link ConfluentAvroSerde}):
 * register the record's schema ({@code auto.register.schemas=true}, the default), use the subject's latest version
 * ({@code use.latest.version=true}), or look the record's schema up and fail if it is not registered.
 *
 * <p>The id per topic is resolved once and kept, so after the first record of a topic no registry call is made. With
 * {@code use.latest.version}, a latest schema whose binary layout differs from the record's (it has another field, say)
 * is written by resolving the record into the latest schema, as long as the latest schema can read the record's;
 * otherwise serialization fails rather than label bytes with the wrong id. Thread-safe. Registry failures propagate as
 * {@link RegistryException} (transient ones as {@link RegistryUnavailableException}); encoding failures are
 * {@link SerializationException}s whose message names the record type and topic, never field values.
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private static final Logger LOG = LoggerFactory.getLogger(ConfluentAvroSerializer.class);
    static final byte MAGIC_BYTE = 0;
    static final int HEADER_SIZE = 5;

    private final Class<T> type;
    private final Schema classSchema;
    private final SpecificData model;
    private final DatumWriter<T> writer;
    private final SchemaRegistry injectedRegistry;
    private final ConcurrentMap<String, Plan> plansByTopic = new ConcurrentHashMap<>();
    private volatile Settings settings;

    /** A serializer whose registry comes from {@code schema.registry.url} in {@link #configure}. */
    public ConfluentAvroSerializer(final Class<T> type) {
        this(type, null);
    }

    /** A serializer that uses {@code registry} and ignores {@code schema.registry.url}. */
    public ConfluentAvroSerializer(final Class<T> type, final SchemaRegistry registry) {
        this.type = Objects.requireNonNull(type, "type");
        this.model = SpecificData.getForClass(type);
        this.classSchema = model.getSchema(type);
        this.writer = new SpecificDatumWriter<>(classSchema, model);
        this.injectedRegistry = registry;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        final SchemaRegistry registry =
                injectedRegistry != null ? injectedRegistry : SchemaRegistries.fromConfig(configs);
        final String strategyKey =
                isKey ? ConfluentAvroSerde.KEY_SUBJECT_NAME_STRATEGY : ConfluentAvroSerde.VALUE_SUBJECT_NAME_STRATEGY;
        final String strategy = SchemaRegistries.string(configs, strategyKey);
        final long ttlSeconds = SchemaRegistries.longValue(configs, SchemaRegistries.LATEST_CACHE_TTL_SEC, -1);
        this.settings = new Settings(
                registry,
                isKey,
                SchemaRegistries.booleanValue(configs, ConfluentAvroSerde.AUTO_REGISTER_SCHEMAS, true),
                SchemaRegistries.booleanValue(configs, ConfluentAvroSerde.USE_LATEST_VERSION, false),
                strategy == null ? SubjectNameStrategy.TOPIC_NAME : SubjectNameStrategy.parse(strategy),
                ttlSeconds < 0 ? -1 : ttlSeconds * 1_000_000_000L);
        plansByTopic.clear();
    }

    @Override
    public byte[] serialize(final String topic, final T record) {
        if (record == null) {
            return null;
        }
        final Settings s = settings();
        final Schema schema = record.getSchema();
        if (!schema.equals(classSchema)) {
            // Not the class's own schema (a hand-built record); resolve without caching by topic.
            return plan(topic, schema, s, new SpecificDatumWriter<>(schema, model))
                    .encode(record, topic);
        }
        Plan plan = plansByTopic.get(topic);
        if (plan == null || plan.expired(s)) {
            plan = plan(topic, classSchema, s, writer);
            plansByTopic.put(topic, plan);
        }
        return plan.encode(record, topic);
    }

    private Settings settings() {
        final Settings s = settings;
        if (s == null) {
            throw new IllegalStateException(
                    "ConfluentAvroSerializer for " + type.getName() + " used before configure()");
        }
        return s;
    }

    private Plan plan(final String topic, final Schema schema, final Settings s, final DatumWriter<T> datumWriter) {
        final String subject = s.strategy.subject(topic, s.isKey, schema);
        if (s.autoRegister) {
            final int id = s.registry.register(subject, schema);
            LOG.debug("{} is schema id {} under subject '{}'", schema.getFullName(), id, subject);
            return new Plan(id, datumWriter, null, System.nanoTime());
        }
        if (s.useLatest) {
            final SchemaRegistry.Registered latest = s.registry.latest(subject);
            if (SchemaNormalization.parsingFingerprint64(latest.schema())
                    == SchemaNormalization.parsingFingerprint64(schema)) {
                return new Plan(latest.id(), datumWriter, null, System.nanoTime());
            }
            final String problems = Compatibility.problems(latest.schema(), schema);
            if (problems != null) {
                throw new SerializationException("use.latest.version: the latest version " + latest.version()
                        + " (schema id " + latest.id() + ") of subject '" + subject + "' cannot read "
                        + schema.getFullName() + " as this build writes it: " + problems);
            }
            LOG.info(
                    "use.latest.version: writing {} to '{}' as schema id {} (version {}) of subject '{}', "
                            + "converting each record",
                    schema.getFullName(),
                    topic,
                    latest.id(),
                    latest.version(),
                    subject);
            return new Plan(latest.id(), datumWriter, new Projection(schema, latest.schema()), System.nanoTime());
        }
        try {
            return new Plan(s.registry.lookup(subject, schema), datumWriter, null, System.nanoTime());
        } catch (final RegistryException e) {
            if (e.status() != 404 || e instanceof RegistryUnavailableException) {
                throw e;
            }
            throw new RegistryException(
                    "schema " + schema.getFullName() + " is not registered under subject '"
                            + subject + "' and auto.register.schemas is false: register it first, or set "
                            + "use.latest.version=true to write with the subject's latest version (" + e.getMessage()
                            + ")",
                    e.status(),
                    e.errorCode(),
                    e);
        }
    }

    /** How to write one topic's records: the id, and a conversion when the id's schema differs in layout. */
    private final class Plan {
        private final int id;
        private final DatumWriter<T> datumWriter;
        private final Projection projection;
        private final long createdAt;

        Plan(final int id, final DatumWriter<T> datumWriter, final Projection projection, final long createdAt) {
            this.id = id;
            this.datumWriter = datumWriter;
            this.projection = projection;
            this.createdAt = createdAt;
        }

        boolean expired(final Settings s) {
            return s.useLatest
                    && !s.autoRegister
                    && s.latestTtlNanos >= 0
                    && System.nanoTime() - createdAt >= s.latestTtlNanos;
        }

        byte[] encode(final T record, final String topic) {
            try {
                final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
                out.write(MAGIC_BYTE);
                out.write(id >>> 24);
                out.write(id >>> 16);
                out.write(id >>> 8);
                out.write(id);
                final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                if (projection == null) {
                    datumWriter.write(record, encoder);
                } else {
                    projection.write(datumWriter, record, encoder);
                }
                encoder.flush();
                return out.toByteArray();
            } catch (final IOException | RuntimeException e) {
                throw new SerializationException(
                        "could not serialize " + record.getSchema().getFullName() + " for topic '" + topic
                                + "' as schema id " + id + ": " + safeDetail(e));
            }
        }
    }

    /**
     * Writes a record in another (newer) schema of the same type: encode with the record's schema, read that back
     * resolved to the target schema (defaults fill the gaps), write with the target schema.
     */
    private static final class Projection {
        private final GenericDatumReader<Object> reader;
        private final GenericDatumWriter<Object> targetWriter;

        Projection(final Schema recordSchema, final Schema target) {
            this.reader = new GenericDatumReader<>(recordSchema, target);
            this.targetWriter = new GenericDatumWriter<>(target);
        }

        <R> void write(final DatumWriter<R> recordWriter, final R record, final BinaryEncoder out) throws IOException {
            final ByteArrayOutputStream own = new ByteArrayOutputStream(256);
            final BinaryEncoder ownEncoder = EncoderFactory.get().directBinaryEncoder(own, null);
            recordWriter.write(record, ownEncoder);
            ownEncoder.flush();
            final Object converted = reader.read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
            targetWriter.write(converted, out);
        }
    }

    /**
     * An exception's detail that cannot carry field values: Avro's null-field and class-cast messages name only fields
     * and types; other messages (a union mismatch prints the datum) are reduced to the exception's class.
     */
    static String safeDetail(final Throwable e) {
        if ((e instanceof NullPointerException || e instanceof ClassCastException) && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName();
    }

    private record Settings(
            SchemaRegistry registry,
            boolean isKey,
            boolean autoRegister,
            boolean useLatest,
            SubjectNameStrategy strategy,
            long latestTtlNanos) {}
}
