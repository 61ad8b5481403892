package dev.rotor.vault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.config.ConfigException;
import dev.rotor.config.RotationTargets;
import dev.rotor.config.RotationTargets.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A rotation target's options, parsed and checked. Options every strategy takes: {@code mount} (a multi-segment mount
 * such as {@code kv/team-a}; default: the path's first segment), {@code dependents} (secret paths rotated after this
 * one), {@code description}. kv2 adds {@code fields}, {@code quarantine} ({@code delete} | {@code destroy} |
 * {@code none}) and {@code generator}; database-static-role, database-root and transit take {@code name} (default: the
 * path's last segment); lease-revoke-prefix takes {@code prefix} (default: the secret path).
 *
 * @param fields kv2: the fields to regenerate; empty = the default rule (value, else password/secret/token/api_key)
 * @param quarantine kv2: what happens to the replaced version
 */
record TargetSpec(
        Target target,
        Optional<String> mount,
        List<String> dependents,
        List<String> fields,
        Quarantine quarantine,
        SecretGenerator generator,
        Optional<String> name,
        Optional<String> prefix) {

    /** kv2: what happens to the version a rotation replaced. */
    enum Quarantine {
        DELETE,
        DESTROY,
        NONE
    }

    private static final String FILE = "rotation-targets.yaml";
    private static final Set<String> COMMON = Set.of("mount", "dependents", "description");
    private static final Map<String, Set<String>> OWN = Map.of(
            "kv2", Set.of("fields", "quarantine", "generator"),
            "database-static-role", Set.of("name"),
            "database-root", Set.of("name"),
            "transit", Set.of("name"),
            "lease-revoke-prefix", Set.of("prefix"),
            "aws-root", Set.of());

    /** Checks every target's options; the app calls this at start-up so a bad file fails before any rotation. */
    static void validate(final RotationTargets targets) {
        final List<Target> all = targets.all();
        for (int i = 0; i < all.size(); i++) {
            parse(all.get(i), FILE + " targets[" + i + "]");
        }
    }

    /** The spec of a target, {@code where} naming it in errors ({@code rotation-targets.yaml targets[2]}). */
    static TargetSpec parse(final Target target, final String where) {
        final Map<String, JsonNode> o = target.options();
        final Set<String> own = OWN.getOrDefault(target.strategy(), Set.of());
        for (final String key : o.keySet()) {
            if (!COMMON.contains(key) && !own.contains(key)) {
                final Set<String> known = new TreeSet<>(COMMON);
                known.addAll(own);
                throw new ConfigException(
                        where + "." + key,
                        "unknown option for strategy " + target.strategy() + " (known: " + String.join(", ", known)
                                + ")");
            }
        }
        final Optional<String> mount = optionalPath(o.get("mount"), where + ".mount");
        final List<String> dependents = new ArrayList<>();
        for (final String d : stringList(o.get("dependents"), where + ".dependents")) {
            dependents.add(checkPath(d.startsWith("/") ? d.substring(1) : d, where + ".dependents"));
        }
        final List<String> fields = stringList(o.get("fields"), where + ".fields");
        if (o.containsKey("fields") && fields.isEmpty()) {
            throw new ConfigException(where + ".fields", "must name at least one field (or be left out)");
        }
        Quarantine quarantine = Quarantine.DELETE;
        if (o.containsKey("quarantine")) {
            final JsonNode q = o.get("quarantine");
            final String v = q.isTextual() ? q.asText() : q.isBoolean() && !q.asBoolean() ? "none" : "?";
            quarantine = switch (v) {
                case "delete" -> Quarantine.DELETE;
                case "destroy" -> Quarantine.DESTROY;
                case "none" -> Quarantine.NONE;
                default ->
                    throw new ConfigException(
                            where + ".quarantine", "must be delete, destroy or none, got '" + q.asText() + "'");
            };
        }
        final SecretGenerator generator = SecretGenerator.fromOptions(o.get("generator"), where + ".generator");
        final Optional<String> name = optionalText(o.get("name"), where + ".name");
        name.ifPresent(n -> {
            if (n.contains("/")) {
                throw new ConfigException(where + ".name", "must be a single path segment");
            }
        });
        final Optional<String> prefix = optionalPath(o.get("prefix"), where + ".prefix");
        return new TargetSpec(
                target, mount, List.copyOf(dependents), List.copyOf(fields), quarantine, generator, name, prefix);
    }

    private static List<String> stringList(final JsonNode n, final String key) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (n.isTextual()) {
            return List.of(nonBlank(n.asText(), key));
        }
        if (!n.isArray()) {
            throw new ConfigException(key, "must be a list of strings");
        }
        final List<String> out = new ArrayList<>();
        for (final JsonNode e : n) {
            if (!e.isTextual()) {
                throw new ConfigException(key, "must be a list of strings");
            }
            out.add(nonBlank(e.asText(), key));
        }
        return out;
    }

    private static Optional<String> optionalText(final JsonNode n, final String key) {
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw new ConfigException(key, "must be a string");
        }
        return Optional.of(nonBlank(n.asText(), key));
    }

    private static Optional<String> optionalPath(final JsonNode n, final String key) {
        return optionalText(n, key).map(p -> checkPath(strip(p), key));
    }

    private static String strip(final String p) {
        String s = p.startsWith("/") ? p.substring(1) : p;
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String nonBlank(final String s, final String key) {
        if (s.isBlank()) {
            throw new ConfigException(key, "must not be empty");
        }
        return s.trim();
    }

    private static String checkPath(final String p, final String key) {
        for (final String segment : p.split("/", -1)) {
            if (segment.isEmpty()
                    || segment.equals("..")
                    || segment.equals(".")
                    || segment.chars().anyMatch(Character::isISOControl)) {
                throw new ConfigException(
                        key, "'" + p + "' is not a valid Vault path (empty segment, '..' or control character)");
            }
        }
        return p;
    }

    // ------------------------------------------------------------------------------------------- path resolution

    /**
     * The engine's mount: the {@code mount} option, else the path's first segment. For kv2 the option must be a prefix
     * of the path ({@link #relativeOf}); for the other engines it may name any mount (the path is then only the name
     * rotor knows the credential by).
     */
    String mountOf(final String secretPath) {
        if (mount.isPresent()) {
            return mount.get();
        }
        final int slash = secretPath.indexOf('/');
        return slash < 0 ? secretPath : secretPath.substring(0, slash);
    }

    /** kv2: the path below the mount ({@code prod/db} for {@code secret/prod/db}). */
    String relativeOf(final String secretPath) throws RotationFailure {
        final String m = mountOf(secretPath);
        if (!secretPath.startsWith(m + "/") || secretPath.length() == m.length() + 1) {
            throw new RotationFailure(secretPath + " is not a secret below the mount " + m
                    + (mount.isPresent() ? " that its rotation target names" : ""));
        }
        return secretPath.substring(m.length() + 1);
    }

    /** The role, connection or key name: the {@code name} option, else the path's last segment. */
    String nameOf(final String secretPath) {
        return name.orElseGet(() -> secretPath.substring(secretPath.lastIndexOf('/') + 1));
    }
}
