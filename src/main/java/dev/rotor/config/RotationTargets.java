package dev.rotor.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code config/rotation-targets.yaml}: the allowlist of secret paths rotor may rotate, and for each glob pattern the
 * strategy that rotates it. The first matching target wins; a path that matches none is refused. {@code *} matches
 * within one path segment, {@code **} across segments, {@code ?} one character other than {@code /}. The optional
 * {@code principals:} section maps the principals of adapted events to secret paths ({@link PrincipalMappings}).
 */
public final class RotationTargets {
    /** The strategies DESIGN.md §4 defines: the type names {@link TargetEntry} binds. */
    public static final Set<String> STRATEGIES = Arrays.stream(
                    TargetEntry.class.getAnnotation(JsonSubTypes.class).value())
            .flatMap(t -> t.names().length > 0 ? Arrays.stream(t.names()) : Stream.of(t.name()))
            .collect(Collectors.toUnmodifiableSet());

    /** One entry of the file, with its pattern compiled. */
    public record Target(TargetEntry entry, Pattern regex) {
        public boolean matches(final String path) {
            return regex.matcher(path).matches();
        }

        /** The glob, without a leading {@code /}. */
        public String pattern() {
            return stripSlash(entry.pattern());
        }

        public String strategy() {
            return entry.strategy();
        }
    }

    /**
     * The whole file as Jackson binds it; its sections must be lists, even of one entry (a typo-shaped map is no list).
     */
    private record TargetsFile(
            @JsonFormat(without = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<TargetEntry> targets,

            @JsonFormat(without = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            List<PrincipalEntry> principals) {}

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
            root = YamlBinding.read(yaml);
        } catch (final JsonProcessingException e) {
            throw new ConfigException(
                    key,
                    "not valid YAML: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(key, "needs a non-empty 'targets:' list");
        }
        nameStrategies(root.path("targets"), key);
        final TargetsFile file = YamlBinding.bind(root, TargetsFile.class, key);
        if (file.targets() == null || file.targets().isEmpty()) {
            throw new ConfigException(key, "needs a non-empty 'targets:' list");
        }
        final List<Target> out = new ArrayList<>();
        for (int i = 0; i < file.targets().size(); i++) {
            final TargetEntry t = file.targets().get(i);
            if (t == null || t.pattern() == null || t.pattern().isBlank()) {
                throw new ConfigException(key, "targets[" + i + "].pattern is missing");
            }
            out.add(new Target(t, Globs.compile(stripSlash(t.pattern()))));
        }
        return new RotationTargets(out, PrincipalMappings.of(file.principals(), key));
    }

    /**
     * Jackson picks each entry's record by its {@code strategy}: a missing one is kv2, and an unknown one is reported
     * here with the strategies there are (Jackson would only say it cannot resolve the type id).
     */
    private static void nameStrategies(final JsonNode targets, final String key) {
        int i = 0;
        for (final JsonNode t : targets) {
            if (t instanceof ObjectNode entry) {
                if (!entry.has("strategy")) {
                    entry.put("strategy", TargetEntry.DEFAULT_STRATEGY);
                }
                final String strategy = entry.get("strategy").asText();
                if (!STRATEGIES.contains(strategy)) {
                    throw new ConfigException(
                            key,
                            "targets[" + i + "].strategy '" + strategy + "' is unknown (one of "
                                    + STRATEGIES.stream().sorted().toList() + ")");
                }
            }
            i++;
        }
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
