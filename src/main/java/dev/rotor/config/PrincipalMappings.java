package dev.rotor.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code principals:} section of {@code rotation-targets.yaml}: which secret a principal named by a foreign event
 * (an OCSF or ECS user, a Vault login path, a GitHub repository and secret type, an AWS access key) stands for.
 *
 * <pre>
 * principals:
 *   - source: ocsf                       # ocsf | vault-audit | github | aws | ecs
 *     match: {user.name: "svc-*"}        # principal attribute: glob; every one must match
 *     secret: "secret/prod/{user.name}"  # or secrets: [..]; {attribute} or {1}, {2}.. (what the wildcards matched)
 * </pre>
 *
 * <ol>
 *   <li>Matching: the first entry of the event's source whose every {@code match} glob matches wins. Globs are those of
 *       the targets ({@code *} within one {@code /}-separated segment, {@code **} across, {@code ?} one character);
 *       matching is case-sensitive; an attribute the event lacks never matches.
 *   <li>Templates: {@code {name}} is the value of a matched attribute, {@code {n}} the text the n-th wildcard matched
 *       (counting through the globs in the order written). A {@code *} capture never contains {@code /}, so it cannot
 *       reach another branch of the secret tree. The resulting paths still pass {@link SecretPathPolicy}.
 *   <li>Validation at load: unknown sources, unknown attributes ({@link SourceFormat#attributes()}) and placeholders
 *       that name nothing are refused with a message naming the entry.
 * </ol>
 */
public final class PrincipalMappings {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    /** One {@code principals:} entry, compiled. */
    record Mapping(SourceFormat source, Map<String, Pattern> match, List<String> secrets) {}

    private final List<Mapping> mappings;

    private PrincipalMappings(final List<Mapping> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    public static PrincipalMappings none() {
        return new PrincipalMappings(List.of());
    }

    public boolean isEmpty() {
        return mappings.isEmpty();
    }

    /**
     * The secret paths of a principal, or empty when no entry of its source matches.
     *
     * @param attributes the principal's attributes (absent ones left out)
     */
    public Optional<List<String>> resolve(final SourceFormat source, final Map<String, String> attributes) {
        for (final Mapping m : mappings) {
            if (m.source() != source) {
                continue;
            }
            final List<String> captures = new ArrayList<>();
            boolean all = true;
            for (final Map.Entry<String, Pattern> e : m.match().entrySet()) {
                final String value = attributes.get(e.getKey());
                final Matcher matcher = value == null ? null : e.getValue().matcher(value);
                if (matcher == null || !matcher.matches()) {
                    all = false;
                    break;
                }
                for (int g = 1; g <= matcher.groupCount(); g++) {
                    captures.add(matcher.group(g));
                }
            }
            if (all) {
                final List<String> paths = new ArrayList<>();
                for (final String template : m.secrets()) {
                    paths.add(fill(template, attributes, captures));
                }
                return Optional.of(paths);
            }
        }
        return Optional.empty();
    }

    private static String fill(
            final String template, final Map<String, String> attributes, final List<String> captures) {
        final Matcher m = PLACEHOLDER.matcher(template);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            final String name = m.group(1);
            final String value = isNumber(name) ? captures.get(Integer.parseInt(name) - 1) : attributes.get(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Checks and compiles the bound {@code principals:} entries (absent: no mappings). */
    static PrincipalMappings of(final List<PrincipalEntry> entries, final String key) {
        if (entries == null) {
            return none();
        }
        final List<Mapping> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            out.add(mapping(entries.get(i), "principals[" + i + "]", key));
        }
        return new PrincipalMappings(out);
    }

    private static Mapping mapping(final PrincipalEntry entry, final String where, final String key) {
        if (entry == null) {
            throw new ConfigException(key, where + " must be a mapping with source, match and secret");
        }
        final String sourceName = entry.source() == null ? "" : entry.source();
        final SourceFormat source = SourceFormat.byId(sourceName)
                .orElseThrow(() -> new ConfigException(
                        key, where + ".source '" + sourceName + "' is unknown (one of " + ids() + ")"));
        if (entry.match() == null || entry.match().isEmpty()) {
            throw new ConfigException(key, where + ".match must map at least one principal attribute to a glob");
        }
        final Map<String, Pattern> match = new LinkedHashMap<>();
        int wildcards = 0;
        for (final Map.Entry<String, String> e : entry.match().entrySet()) {
            if (!source.attributes().contains(e.getKey())) {
                throw new ConfigException(
                        key,
                        where + ".match: '" + e.getKey() + "' is not a principal attribute of " + source.id()
                                + " (one of " + source.attributes() + ")");
            }
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw new ConfigException(key, where + ".match." + e.getKey() + " must be a non-empty glob");
            }
            final Pattern p = Globs.withCaptures(e.getValue());
            wildcards += p.matcher("").groupCount();
            match.put(e.getKey(), p);
        }
        final List<String> secrets = secrets(entry, where, key);
        for (final String template : secrets) {
            final Matcher m = PLACEHOLDER.matcher(template);
            while (m.find()) {
                final String name = m.group(1);
                final boolean ok = isNumber(name)
                        ? Integer.parseInt(name) >= 1 && Integer.parseInt(name) <= wildcards
                        : match.containsKey(name);
                if (!ok) {
                    throw new ConfigException(
                            key,
                            where + ": placeholder {" + name + "} in '" + template + "' names "
                                    + "neither a matched attribute nor one of the " + wildcards + " wildcards");
                }
            }
            if (PLACEHOLDER.matcher(template).replaceAll("").matches(".*[{}].*")) {
                throw new ConfigException(key, where + ": unbalanced brace in '" + template + "'");
            }
        }
        return new Mapping(source, match, secrets);
    }

    private static List<String> secrets(final PrincipalEntry entry, final String where, final String key) {
        if ((entry.secret() == null) == (entry.secrets() == null)) {
            throw new ConfigException(key, where + " needs exactly one of 'secret' or 'secrets'");
        }
        if (entry.secret() != null) {
            if (entry.secret().isBlank()) {
                throw new ConfigException(key, where + ".secret must be a non-empty string");
            }
            return List.of(entry.secret().strip());
        }
        if (entry.secrets().isEmpty()) {
            throw new ConfigException(key, where + ".secrets must be a non-empty list");
        }
        final List<String> out = new ArrayList<>();
        for (final String s : entry.secrets()) {
            if (s == null || s.isBlank()) {
                throw new ConfigException(key, where + ".secrets must hold non-empty strings");
            }
            out.add(s.strip());
        }
        return out;
    }

    private static boolean isNumber(final String s) {
        return !s.isEmpty() && s.length() < 4 && s.chars().allMatch(Character::isDigit);
    }

    private static List<String> ids() {
        return Arrays.stream(SourceFormat.values()).map(SourceFormat::id).toList();
    }
}
