package dev.rotor.detection;

import dev.rotor.avro.SecurityEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The secrets an event names (DESIGN.md §3): affected_resources ∪ metadata.secret_path ∪ metadata.secret_paths (a JSON
 * array arrives comma-joined, or a comma-separated string), in that order, trimmed, deduplicated after dropping a
 * leading {@code /}.
 */
final class AffectedSecrets {
    static final String SECRET_PATH = "secret_path";
    static final String SECRET_PATHS = "secret_paths";

    private AffectedSecrets() {}

    static List<String> of(final SecurityEvent event) {
        final Set<String> paths = new LinkedHashSet<>();
        event.getAffectedResources().forEach(p -> add(paths, p));
        final String one = event.getMetadata().get(SECRET_PATH);
        if (one != null) {
            add(paths, one);
        }
        final String many = event.getMetadata().get(SECRET_PATHS);
        if (many != null) {
            for (final String p : many.split(",", -1)) {
                add(paths, p);
            }
        }
        return new ArrayList<>(paths);
    }

    private static void add(final Set<String> paths, final String raw) {
        final String p = raw.strip();
        if (!p.isEmpty()) {
            paths.add(p.startsWith("/") ? p.substring(1) : p);
        }
    }
}
