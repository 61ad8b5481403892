package dev.rotor.devvault;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named ACL policy: path patterns with capabilities, as in Vault. A pattern is an exact path, may end in {@code *}
 * (prefix glob) and may use {@code +} as a whole path segment (any single segment). Build one in Java:
 *
 * <pre>{@code
 * Policy.named("prod-reader")
 *       .path("secret/data/prod/*", Capability.READ)
 *       .path("secret/metadata/prod/*", Capability.READ, Capability.LIST)
 *       .build();
 * }</pre>
 *
 * or parse Vault's HCL form with {@link #parse(String, String)}. Immutable.
 */
public final class Policy {
    private static final Pattern HCL_PATH = Pattern.compile("path\\s+\"([^\"]*)\"\\s*\\{([^}]*)}", Pattern.DOTALL);
    private static final Pattern HCL_CAPABILITIES = Pattern.compile("capabilities\\s*=\\s*\\[([^]]*)]", Pattern.DOTALL);

    private final String name;
    private final Map<String, Set<Capability>> rules;

    private Policy(String name, Map<String, Set<Capability>> rules) {
        this.name = name;
        this.rules = Collections.unmodifiableMap(rules);
    }

    /** Starts a policy with this name. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /**
     * Parses the subset of Vault's HCL policy language that matters here: {@code path "secret/data/*" { capabilities =
     * ["read", "list"] }} blocks; other attributes are ignored.
     *
     * @throws IllegalArgumentException on an unknown capability or text without any path block
     */
    public static Policy parse(String name, String hcl) {
        Builder builder = named(name);
        Matcher block = HCL_PATH.matcher(hcl);
        boolean any = false;
        while (block.find()) {
            any = true;
            Matcher caps = HCL_CAPABILITIES.matcher(block.group(2));
            Set<Capability> set = EnumSet.noneOf(Capability.class);
            if (caps.find()) {
                for (String raw : caps.group(1).split(",", -1)) {
                    String cap = raw.trim().replace("\"", "");
                    if (!cap.isEmpty()) {
                        set.add(Capability.parse(cap));
                    }
                }
            }
            builder.path(block.group(1), set.toArray(new Capability[0]));
        }
        if (!any && !hcl.isBlank()) {
            throw new IllegalArgumentException("policy text has no path blocks");
        }
        return builder.build();
    }

    public String name() {
        return name;
    }

    /** Path pattern to capabilities, in declaration order. */
    public Map<String, Set<Capability>> rules() {
        return rules;
    }

    /** Renders the policy in Vault's HCL form (what {@code sys/policies/acl/<name>} returns). */
    public String toHcl() {
        StringBuilder out = new StringBuilder();
        rules.forEach((path, caps) -> {
            out.append("path \"").append(path).append("\" {\n  capabilities = [");
            String joined = caps.stream()
                    .map(c -> "\"" + c.policyName() + "\"")
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("");
            out.append(joined).append("]\n}\n");
        });
        return out.toString();
    }

    /** Builds a {@link Policy}. Declaring the same path twice merges the capabilities. */
    public static final class Builder {
        private final String name;
        private final Map<String, Set<Capability>> rules = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder path(String pattern, Capability... capabilities) {
            Set<Capability> set = rules.computeIfAbsent(normalise(pattern), p -> EnumSet.noneOf(Capability.class));
            set.addAll(Arrays.asList(capabilities));
            return this;
        }

        public Policy build() {
            Map<String, Set<Capability>> copy = new LinkedHashMap<>();
            rules.forEach((k, v) -> copy.put(
                    k,
                    Collections.unmodifiableSet(EnumSet.copyOf(v.isEmpty() ? EnumSet.noneOf(Capability.class) : v))));
            return new Policy(name, copy);
        }

        private static String normalise(String pattern) {
            String p = pattern.trim();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            return p;
        }
    }
}
