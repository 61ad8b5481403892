package dev.rotor.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * An in-memory registry for {@code mock://<scope>} URLs, so unit tests need no server. Every instance with the same
 * scope in the JVM sees the same subjects and ids (a serializer and a deserializer configured separately agree), ids
 * start at 1 per scope, and {@link #drop(String)} forgets a scope.
 *
 * <p>It answers like a real registry with BACKWARD compatibility: registering a schema the subject already has returns
 * its id; an identical schema under another subject gets the same id; a schema that cannot read data written with the
 * subject's latest version fails with status 409 and error code 409; unknown subjects and ids fail with 404 and
 * Confluent's 40401 / 40403. Schemas are compared by their full JSON, as Confluent does.
 */
public final class MockSchemaRegistry implements SchemaRegistry {
    /** URL prefix that selects this implementation. */
    public static final String URL_PREFIX = "mock://";

    private static final ConcurrentMap<String, Store> SCOPES = new ConcurrentHashMap<>();
    private static final Set<String> DOWN = ConcurrentHashMap.newKeySet();

    private final String scope;

    public MockSchemaRegistry(final String scope) {
        this.scope = Objects.requireNonNull(scope, "scope");
    }

    /** The registry for a {@code mock://scope} URL. */
    public static MockSchemaRegistry forUrl(final String url) {
        if (!url.startsWith(URL_PREFIX)) {
            throw new IllegalArgumentException("not a mock:// URL: " + url);
        }
        return new MockSchemaRegistry(url.substring(URL_PREFIX.length()));
    }

    /** Forgets everything registered in {@code scope}; the next registration there gets id 1 again. */
    public static void drop(final String scope) {
        SCOPES.remove(scope);
    }

    /**
     * Simulates an outage of {@code scope}: while it is down every call fails with
     * {@link RegistryUnavailableException}, as an unreachable registry does; what was registered is kept.
     */
    public static void outage(final String scope, final boolean down) {
        if (down) {
            DOWN.add(scope);
        } else {
            DOWN.remove(scope);
        }
    }

    public String scope() {
        return scope;
    }

    @Override
    public int register(final String subject, final Schema schema) {
        return store().register(subject, schema);
    }

    @Override
    public int lookup(final String subject, final Schema schema) {
        return store().lookup(subject, schema);
    }

    @Override
    public Registered latest(final String subject) {
        return store().latest(subject);
    }

    @Override
    public Schema schemaById(final int id) {
        return store().schemaById(id);
    }

    // Looked up on every call so that instances created before a drop() see the fresh scope.
    private Store store() {
        if (DOWN.contains(scope)) {
            throw new RegistryUnavailableException(
                    "schema registry " + this + " is unavailable (simulated outage)", 503, RegistryException.NO_STATUS);
        }
        return SCOPES.computeIfAbsent(scope, s -> new Store());
    }

    @Override
    public String toString() {
        return URL_PREFIX + scope;
    }

    /** One scope's state; all access synchronised (tests are not a hot path). */
    private static final class Store {
        private final List<Schema> schemas = new ArrayList<>(); // index = id - 1
        private final Map<String, Integer> idByJson = new HashMap<>();
        private final Map<String, List<Integer>> versions = new HashMap<>(); // subject -> ids, version = index + 1

        synchronized int register(final String subject, final Schema schema) {
            final String json = schema.toString();
            final List<Integer> ids = versions.computeIfAbsent(subject, s -> new ArrayList<>());
            for (final int id : ids) {
                if (schemas.get(id - 1).toString().equals(json)) {
                    return id;
                }
            }
            if (!ids.isEmpty()) {
                final Schema latest = schemas.get(ids.get(ids.size() - 1) - 1);
                final String problems = Compatibility.problems(schema, latest);
                if (problems != null) {
                    throw RegistryCall.REGISTER.refused(
                            subject,
                            -1,
                            409,
                            RegistryCall.INCOMPATIBLE,
                            "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                                    + "\" (version " + ids.size() + "): " + problems,
                            "BACKWARD");
                }
            }
            final int id = idByJson.computeIfAbsent(json, j -> {
                schemas.add(new Schema.Parser().parse(j));
                return schemas.size();
            });
            ids.add(id);
            return id;
        }

        synchronized int lookup(final String subject, final Schema schema) {
            final List<Integer> ids = versions.get(subject);
            if (ids == null || ids.isEmpty()) {
                throw subjectNotFound(RegistryCall.LOOKUP, subject);
            }
            final String json = schema.toString();
            for (final int id : ids) {
                if (schemas.get(id - 1).toString().equals(json)) {
                    return id;
                }
            }
            throw RegistryCall.LOOKUP.refused(
                    subject, -1, 404, RegistryCall.SCHEMA_NOT_FOUND, "Schema not found", null);
        }

        synchronized Registered latest(final String subject) {
            final List<Integer> ids = versions.get(subject);
            if (ids == null || ids.isEmpty()) {
                throw subjectNotFound(RegistryCall.LATEST, subject);
            }
            final int id = ids.get(ids.size() - 1);
            return new Registered(id, ids.size(), schemas.get(id - 1));
        }

        synchronized Schema schemaById(final int id) {
            if (id < 1 || id > schemas.size()) {
                throw RegistryCall.SCHEMA_BY_ID.refused(
                        null, id, 404, RegistryCall.SCHEMA_NOT_FOUND, "Schema " + id + " not found", null);
            }
            return schemas.get(id - 1);
        }

        private static RegistryException subjectNotFound(final RegistryCall call, final String subject) {
            return call.refused(
                    subject, -1, 404, RegistryCall.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.", null);
        }
    }
}
