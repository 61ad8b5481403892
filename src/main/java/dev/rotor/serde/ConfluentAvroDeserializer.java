package dev.rotor.serde;

import dev.rotor.serde.AvroDecodingException.Kind;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format Avro into this build's specific class: checks the magic byte, fetches the writer schema
 * by the id in the header (cached), and resolves it to the class's schema, so records written with an older or newer
 * compatible schema decode. One reader per writer id is built once and shared (Avro's readers are thread-safe once
 * built); whether a writer schema is compatible is decided once per id, up front, with Avro's
 * {@link SchemaCompatibility}.
 *
 * <p>Bad bytes fail with {@link AvroDecodingException} and its {@link Kind}; the message never holds record content and
 * Avro's own exception is not chained (its message can print data). The registry being unreachable is not bad data:
 * {@link RegistryUnavailableException} propagates as is. Decoding never trusts a length prefix (see
 * {@link ByteArrayAvroDecoder}), so a hostile record cannot make it allocate more than its own size. Null bytes (a
 * tombstone) give null.
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    /** Initial capacity bound for arrays and maps, whose declared counts come from untrusted bytes. */
    private static final int MAX_INITIAL_CAPACITY = 64;

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private final SchemaRegistry injectedRegistry;
    private final ConcurrentMap<Integer, Object> readersById = new ConcurrentHashMap<>();
    private volatile SchemaRegistry registry;

    /** A deserializer whose registry comes from {@code schema.registry.url} in {@link #configure}. */
    public ConfluentAvroDeserializer(final Class<T> type) {
        this(type, null);
    }

    /** A deserializer that uses {@code registry} and ignores {@code schema.registry.url}. */
    public ConfluentAvroDeserializer(final Class<T> type, final SchemaRegistry registry) {
        this.type = Objects.requireNonNull(type, "type");
        this.model = OrderedMaps.model(SpecificData.getForClass(type)); // maps keep the writer's key order
        this.readerSchema = model.getSchema(type);
        this.injectedRegistry = registry;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        this.registry = injectedRegistry != null ? injectedRegistry : SchemaRegistries.fromConfig(configs);
        readersById.clear();
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length == 0) {
            throw new AvroDecodingException(
                    Kind.EMPTY, AvroDecodingException.NO_SCHEMA_ID, "record on topic '" + topic + "' has 0 bytes");
        }
        if (data[0] != ConfluentAvroSerializer.MAGIC_BYTE) {
            throw new AvroDecodingException(
                    Kind.BAD_MAGIC_BYTE,
                    AvroDecodingException.NO_SCHEMA_ID,
                    "record on topic '" + topic + "' (" + data.length + " bytes) does not start with the Confluent "
                            + "magic byte 0; it was not written by a Confluent-wire-format Avro serializer");
        }
        if (data.length < ConfluentAvroSerializer.HEADER_SIZE) {
            throw new AvroDecodingException(
                    Kind.TRUNCATED,
                    AvroDecodingException.NO_SCHEMA_ID,
                    "record on topic '" + topic + "' has " + data.length + " bytes, fewer than the 5-byte header");
        }
        final int id = (data[1] & 0xff) << 24 | (data[2] & 0xff) << 16 | (data[3] & 0xff) << 8 | (data[4] & 0xff);
        final ResolvingReader<T> reader = reader(id, topic);
        final ByteArrayAvroDecoder in =
                new ByteArrayAvroDecoder(data, ConfluentAvroSerializer.HEADER_SIZE, data.length);
        final T result;
        try {
            result = reader.read(null, in);
        } catch (final EOFException e) {
            throw new AvroDecodingException(
                    Kind.TRUNCATED,
                    id,
                    "record on topic '" + topic + "' (" + data.length
                            + " bytes) ends before a complete record of schema id " + id);
        } catch (final AvroTypeException e) {
            throw new AvroDecodingException(
                    Kind.INCOMPATIBLE_SCHEMA,
                    id,
                    "record on topic '" + topic
                            + "' written with schema id " + id + " could not be resolved to "
                            + readerSchema.getFullName()
                            + " (" + e.getClass().getSimpleName() + ")");
        } catch (final IOException | RuntimeException e) {
            throw new AvroDecodingException(
                    Kind.MALFORMED,
                    id,
                    "record on topic '" + topic + "' (" + data.length + " bytes) is not valid Avro for schema id " + id
                            + " (" + e.getClass().getSimpleName() + ")");
        }
        if (!in.isEnd()) {
            throw new AvroDecodingException(
                    Kind.MALFORMED,
                    id,
                    "record on topic '" + topic + "' has "
                            + in.remaining() + " bytes left over after a complete record of schema id " + id + " ("
                            + data.length + " bytes in all)");
        }
        return result;
    }

    /** The cached reader for a writer id; builds it (or the cached verdict "incompatible") on first sight. */
    @SuppressWarnings("unchecked") // the cache holds only this deserializer's readers of T, or verdicts
    private ResolvingReader<T> reader(final int id, final String topic) {
        Object cached = readersById.get(id);
        if (cached == null) {
            cached = buildReader(id, topic);
            final Object raced = readersById.putIfAbsent(id, cached);
            if (raced != null) {
                cached = raced;
            }
        }
        if (cached instanceof Incompatible incompatible) {
            throw new AvroDecodingException(
                    Kind.INCOMPATIBLE_SCHEMA,
                    id,
                    "record on topic '" + topic + "' was written with schema id " + id + ", which "
                            + incompatible.detail);
        }
        return (ResolvingReader<T>) cached;
    }

    private Object buildReader(final int id, final String topic) {
        final SchemaRegistry r = registry;
        if (r == null) {
            throw new IllegalStateException(
                    "ConfluentAvroDeserializer for " + type.getName() + " used before configure()");
        }
        final Schema writerSchema;
        try {
            writerSchema = r.schemaById(id);
        } catch (final RegistryUnavailableException e) {
            throw e;
        } catch (final RegistryException e) {
            if (e.status() == 404) {
                throw new AvroDecodingException(
                        Kind.UNKNOWN_SCHEMA_ID,
                        id,
                        "record on topic '" + topic + "' names schema id " + id + ", which the registry does not know",
                        e);
            }
            if (e.status() >= 200 && e.status() < 300) {
                // the registry answered, with something that is no Avro schema: the record names the wrong id
                throw new AvroDecodingException(
                        Kind.NOT_AVRO_SCHEMA,
                        id,
                        "record on topic '" + topic
                                + "' names schema id " + id + ", which is not a usable Avro schema ("
                                + e.getMessage()
                                        .substring(
                                                0, Math.min(200, e.getMessage().length())) + ")");
            }
            throw e;
        }
        final String problems = Compatibility.problems(readerSchema, writerSchema);
        if (problems != null) {
            return new Incompatible("cannot be read as " + readerSchema.getFullName() + ": " + problems);
        }
        return new ResolvingReader<T>(writerSchema, readerSchema, model);
    }

    private record Incompatible(String detail) {}

    /**
     * A specific reader that does not pre-size collections by counts read from the (untrusted) bytes; its model
     * ({@link OrderedMaps#model}) keeps maps in the order they were written and bounds the fast reader's sizes too.
     */
    private static final class ResolvingReader<T> extends SpecificDatumReader<T> {
        ResolvingReader(final Schema writer, final Schema reader, final SpecificData model) {
            super(writer, reader, model);
        }

        @Override
        protected Object newArray(final Object old, final int size, final Schema schema) {
            return super.newArray(old, Math.min(size, MAX_INITIAL_CAPACITY), schema);
        }

        @Override
        protected Object newMap(final Object old, final int size) {
            return super.newMap(old, Math.min(size, MAX_INITIAL_CAPACITY)); // the model's: in the writer's key order
        }
    }
}
