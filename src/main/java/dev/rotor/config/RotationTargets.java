package dev.rotor.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code config/rotation-targets.yaml}: the allowlist of secret paths rotor may rotate, and for each glob pattern the
 * strategy that rotates it. The first matching target wins; a path that matches none is refused. {@code *} matches
 * within one path segment, {@code **} across segments, {@code ?} one character other than {@code /}. The optional
 * {@code principals:} section maps the principals of adapted events to secret paths ({@link PrincipalMappings}).
 */
public final class RotationTargets {
    /** The strategies DESIGN.md §4 defines. */
    public static final Set<String> STRATEGIES =
            Set.of("kv2", "database-static-role", "database-root", "transit", "lease-revoke-prefix", "aws-root");

    /**
     * One entry of the file. {@code options} holds the strategy's own settings (fields, generator, quarantine, ...).
     */
    public record Target(String pattern, String strategy, Map<String, JsonNode> options, Pattern regex) {
        public boolean matches(final String path) {
            return regex.matcher(path).matches();
        }
    }

    private final List<Target> targets;
    private final PrincipalMappings principals;

    private RotationTargets(final List<Target> targets, final PrincipalMappings principals) {
        this.targets = List.copyOf(targets);
        this.principals = principals;
    }

    /** The built-in default: every KV v2 secret under {@code secret/} with the kv2 strategy. */
    public static RotationTargets defaults() {
        return parse("targets:\n  - pattern: \"secret/**\"\n    strategy: kv2\n", "built-in defaults");
    }

    public static RotationTargets load(final Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(Setting.TARGETS_FILE.key(), "file not found: " + file);
        }
        try {
            return parse(Files.readString(file), file.toString());
        } catch (final IOException e) {
            throw new ConfigException(Setting.TARGETS_FILE.key(), "cannot read " + file + ": " + e.getMessage());
        }
    }

    public static RotationTargets parse(final String yaml, final String origin) {
        final String key = Setting.TARGETS_FILE.key() + " (" + origin + ")";
        final JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (final JsonProcessingException e) {
            throw new ConfigException(
                    key,
                    "not valid YAML: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (root == null
                || !root.path("targets").isArray()
                || root.path("targets").isEmpty()) {
            throw new ConfigException(key, "needs a non-empty 'targets:' list");
        }
        final List<Target> out = new ArrayList<>();
        int i = 0;
        for (final JsonNode t : root.path("targets")) {
            final String where = "targets[" + i++ + "]";
            final String pattern = t.path("pattern").asText("");
            if (pattern.isBlank()) {
                throw new ConfigException(key, where + ".pattern is missing");
            }
            final String strategy = t.path("strategy").asText("kv2");
            if (!STRATEGIES.contains(strategy)) {
                throw new ConfigException(
                        key,
                        where + ".strategy '" + strategy + "' is unknown (one of "
                                + STRATEGIES.stream().sorted().toList() + ")");
            }
            final Map<String, JsonNode> options = new LinkedHashMap<>();
            for (final Map.Entry<String, JsonNode> e : t.properties()) {
                if (!e.getKey().equals("pattern") && !e.getKey().equals("strategy")) {
                    options.put(e.getKey(), e.getValue());
                }
            }
            out.add(new Target(stripSlash(pattern), strategy, Map.copyOf(options), Globs.compile(stripSlash(pattern))));
        }
        return new RotationTargets(out, PrincipalMappings.parse(root.get("principals"), key));
    }

    public Optional<Target> match(final String path) {
        for (final Target t : targets) {
            if (t.matches(path)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public List<Target> all() {
        return targets;
    }

    /** The {@code principals:} section: which secret a principal named by an adapted event stands for. */
    public PrincipalMappings principals() {
        return principals;
    }

    private static String stripSlash(final String p) {
        return p.startsWith("/") ? p.substring(1) : p;
    }
}
