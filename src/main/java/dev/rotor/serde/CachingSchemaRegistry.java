package dev.rotor.serde;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * Remembers what a registry said so the hot path makes no remote call after the first: id to schema (ids are
 * immutable), and (subject, schema) to id from both {@link #register} and {@link #lookup} (registering a schema the
 * subject already has returns the same id, so one answer serves both). {@link #latest} is cached for a configurable
 * time because a subject's latest version changes. Failures are not cached. Thread-safe; concurrent misses may both ask
 * the registry, which is harmless.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {
    private final SchemaRegistry delegate;
    private final long latestTtlNanos;
    private final ConcurrentMap<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CachedLatest> latestBySubject = new ConcurrentHashMap<>();

    /**
     * @param latestTtl how long an answer of {@link #latest} is reused; negative means for ever (Confluent's
     *     {@code latest.cache.ttl.sec=-1}), zero means never
     */
    public CachingSchemaRegistry(final SchemaRegistry delegate, final Duration latestTtl) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.latestTtlNanos = latestTtl.isNegative() ? -1 : latestTtl.toNanos();
    }

    @Override
    public int register(final String subject, final Schema schema) {
        final SubjectSchema key = new SubjectSchema(subject, schema);
        final Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        final int id = delegate.register(subject, schema);
        remember(key, id);
        return id;
    }

    @Override
    public int lookup(final String subject, final Schema schema) {
        final SubjectSchema key = new SubjectSchema(subject, schema);
        final Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        final int id = delegate.lookup(subject, schema);
        remember(key, id);
        return id;
    }

    @Override
    public Registered latest(final String subject) {
        final CachedLatest cached = latestBySubject.get(subject);
        final long now = System.nanoTime();
        if (cached != null && (latestTtlNanos < 0 || now - cached.fetchedAt < latestTtlNanos)) {
            return cached.registered;
        }
        final Registered latest = delegate.latest(subject);
        schemaById.putIfAbsent(latest.id(), latest.schema());
        if (latestTtlNanos != 0) {
            latestBySubject.put(subject, new CachedLatest(latest, now));
        }
        return latest;
    }

    @Override
    public Schema schemaById(final int id) {
        final Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        final Schema schema = delegate.schemaById(id);
        final Schema raced = schemaById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    private void remember(final SubjectSchema key, final int id) {
        idBySubjectSchema.putIfAbsent(key, id);
        schemaById.putIfAbsent(id, key.schema());
    }

    @Override
    public String toString() {
        return "caching " + delegate;
    }

    private record SubjectSchema(String subject, Schema schema) {}

    private record CachedLatest(Registered registered, long fetchedAt) {}
}
