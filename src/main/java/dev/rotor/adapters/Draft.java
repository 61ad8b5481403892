package dev.rotor.adapters;

import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.PrincipalMappings;
import dev.rotor.config.SourceFormat;
import dev.rotor.serde.SecurityEventDecoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A security event an adapter has read, before its principals are mapped to secrets. Every event carries
 * {@code metadata.source} (the format) and {@code metadata.principal} (the principals that named its secrets,
 * {@code k=v, k=v}, several separated by {@code ; }); the adapters add their own fields, never a secret value.
 */
final class Draft {
    static final String SOURCE = "source";
    static final String PRINCIPAL = "principal";
    static final String NO_PRINCIPAL = "(none)";
    private static final int MAX_PRINCIPAL = 512;

    private final SourceFormat format;
    private final List<Map<String, String>> principals = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private String eventId;
    private String eventType;
    private ThreatLevel level;
    private String description = "";
    private String sourceIp;
    private Instant time;
    private List<String> directPaths;

    Draft(final SourceFormat format) {
        this.format = format;
    }

    Draft id(final String id) {
        this.eventId = id;
        return this;
    }

    Draft type(final String type, final ThreatLevel level) {
        this.eventType = type;
        this.level = level;
        return this;
    }

    Draft description(final String text) {
        this.description = JsonFields.printable(text, 2048);
        return this;
    }

    Draft sourceIp(final String ip) {
        this.sourceIp = JsonFields.meaningful(ip);
        return this;
    }

    Draft at(final Instant t) {
        this.time = t;
        return this;
    }

    /** Adds a metadata entry when the value is meaningful. */
    Draft meta(final String key, final String value) {
        final String v = JsonFields.meaningful(value);
        if (v != null) {
            metadata.put(key, v);
        }
        return this;
    }

    /** Adds a principal; attributes are kept in the format's order, absent (null, blank, "-") ones dropped. */
    Draft principal(final Map<String, String> attributes) {
        final Map<String, String> p = new LinkedHashMap<>();
        for (final String name : format.attributes()) {
            final String v = JsonFields.meaningful(attributes.get(name));
            if (v != null) {
                p.put(name, v);
            }
        }
        principals.add(p);
        return this;
    }

    /** The event names this secret itself (a Vault path): principals are reported, not mapped. */
    Draft onPath(final String path) {
        this.directPaths = List.of(path);
        return this;
    }

    /** Maps the principals and builds the normalised events. */
    Adaptation resolve(final PrincipalMappings mappings) {
        if (directPaths != null) {
            final String who = principals.isEmpty() ? NO_PRINCIPAL : show(principals.get(0));
            return Adaptation.of(build(directPaths, who));
        }
        final Set<String> paths = new LinkedHashSet<>();
        final List<String> mapped = new ArrayList<>();
        final List<String> unmapped = new ArrayList<>();
        if (principals.isEmpty()) {
            unmapped.add(NO_PRINCIPAL);
        }
        for (final Map<String, String> p : principals) {
            final Optional<List<String>> secrets = p.isEmpty() ? Optional.empty() : mappings.resolve(format, p);
            if (secrets.isPresent()) {
                paths.addAll(secrets.get());
                mapped.add(show(p));
            } else {
                unmapped.add(show(p));
            }
        }
        final List<SecurityEvent> events =
                paths.isEmpty() ? List.of() : List.of(build(new ArrayList<>(paths), String.join("; ", mapped)));
        final List<Adaptation.Unmapped> misses = new ArrayList<>();
        for (final String who : unmapped) {
            misses.add(new Adaptation.Unmapped(build(List.of(), who), who));
        }
        return new Adaptation(events, misses, List.of());
    }

    private SecurityEvent build(final List<String> paths, final String principal) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put(SOURCE, format.id());
        m.put(PRINCIPAL, JsonFields.printable(principal, MAX_PRINCIPAL));
        m.putAll(metadata);
        return SecurityEventDecoder.normalise(SecurityEvent.newBuilder()
                .setEventId(eventId)
                .setEventType(eventType)
                .setThreatLevel(level)
                .setDescription(description)
                .setAffectedResources(paths)
                .setSourceIp(sourceIp)
                .setTimestamp(time)
                .setMetadata(m)
                .build());
    }

    /** {@code k=v, k=v}, or {@value #NO_PRINCIPAL}. */
    static String show(final Map<String, String> principal) {
        if (principal.isEmpty()) {
            return NO_PRINCIPAL;
        }
        final StringBuilder b = new StringBuilder();
        principal.forEach((k, v) ->
                b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return b.toString();
    }

    /** Severity as a threat level, never above {@code cap}. */
    static ThreatLevel atMost(final ThreatLevel level, final ThreatLevel cap) {
        return level.compareTo(cap) > 0 ? cap : level;
    }
}
