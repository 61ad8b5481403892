package dev.rotor.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * The four calls of the Confluent Schema Registry API that a wire-format serde needs. Implementations:
 * {@link HttpSchemaRegistry} (a real registry, Confluent's or Apicurio's {@code /apis/ccompat/v7}),
 * {@link MockSchemaRegistry} ({@code mock://} URLs, in memory) and the {@link CachingSchemaRegistry} decorator.
 * {@link SchemaRegistries#fromConfig} picks one from {@code schema.registry.url}.
 *
 * <p>All methods throw {@link RegistryException} when the registry refuses and {@link RegistryUnavailableException}
 * when it cannot be reached. Implementations are thread-safe.
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}) and returns its id;
     * registering a schema the subject already has returns the existing id. An incompatible schema fails with status
     * 409.
     */
    int register(String subject, Schema schema);

    /**
     * Returns the id of {@code schema} if it is registered under {@code subject} ({@code POST /subjects/{subject}});
     * fails with status 404 when the subject or the schema under it is unknown.
     */
    int lookup(String subject, Schema schema);

    /** The subject's latest version ({@code GET /subjects/{subject}/versions/latest}); 404 when unknown. */
    Registered latest(String subject);

    /** The schema with the given global id ({@code GET /schemas/ids/{id}}); 404 when unknown. */
    Schema schemaById(int id);

    /** One registered version of a subject. */
    record Registered(int id, int version, Schema schema) {
        public Registered {
            Objects.requireNonNull(schema, "schema");
        }
    }
}
