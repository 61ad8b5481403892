package dev.rotor.vault;

import dev.rotor.config.ConfigException;
import dev.rotor.config.RotationTargets;
import dev.rotor.config.RotationTargets.Target;
import dev.rotor.config.TargetEntry;
import dev.rotor.config.TargetEntry.Quarantine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    private static final String FILE = "rotation-targets.yaml";

    /** Checks every target's options; the app calls this at start-up so a bad file fails before any rotation. */
    static void validate(final RotationTargets targets) {
        final List<Target> all = targets.all();
        for (int i = 0; i < all.size(); i++) {
            parse(all.get(i), FILE + " targets[" + i + "]");
        }
    }

    /**
     * The spec of a target, {@code where} naming it in errors ({@code rotation-targets.yaml targets[2]}). Jackson bound
     * each strategy's own options ({@link TargetEntry}); this checks what their values mean.
     */
    static TargetSpec parse(final Target target, final String where) {
        final TargetEntry e = target.entry();
        final Optional<String> mount = optionalPath(e.mount(), where + ".mount");
        final List<String> dependents = new ArrayList<>();
        for (final String d : strings(e.dependents(), where + ".dependents")) {
            dependents.add(checkPath(d.startsWith("/") ? d.substring(1) : d, where + ".dependents"));
        }
        List<String> fields = List.of();
        Quarantine quarantine = Quarantine.DELETE;
        SecretGenerator generator = SecretGenerator.defaults();
        Optional<String> name = Optional.empty();
        Optional<String> prefix = Optional.empty();
        if (e instanceof TargetEntry.Kv2 kv) {
            fields = strings(kv.fields(), where + ".fields");
            if (kv.fields() != null && fields.isEmpty()) {
                throw new ConfigException(where + ".fields", "must name at least one field (or be left out)");
            }
            quarantine = kv.quarantine() == null ? Quarantine.DELETE : kv.quarantine();
            generator = SecretGenerator.of(kv.generator(), where + ".generator");
        } else if (e instanceof TargetEntry.Named named) {
            name = optionalText(named.name(), where + ".name");
            if (name.isPresent() && name.get().contains("/")) {
                throw new ConfigException(where + ".name", "must be a single path segment");
            }
        } else if (e instanceof TargetEntry.LeasePrefix lease) {
            prefix = optionalPath(lease.prefix(), where + ".prefix");
        }
        return new TargetSpec(
                target, mount, List.copyOf(dependents), List.copyOf(fields), quarantine, generator, name, prefix);
    }

    private static List<String> strings(final List<String> values, final String key) {
        if (values == null) {
            return List.of();
        }
        final List<String> out = new ArrayList<>();
        for (final String v : values) {
            out.add(nonBlank(v == null ? "" : v, key));
        }
        return out;
    }

    private static Optional<String> optionalText(final String value, final String key) {
        return value == null ? Optional.empty() : Optional.of(nonBlank(value, key));
    }

    private static Optional<String> optionalPath(final String value, final String key) {
        return optionalText(value, key).map(p -> checkPath(strip(p), key));
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
