package dev.rotor.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Locale;

/**
 * One entry of {@code rotation-targets.yaml}'s {@code targets:} as Jackson binds it. {@code strategy} names the record
 * ({@code kv2} when it is left out), and each record holds exactly the options its strategy takes, so an option of
 * another strategy, a typo or a value of the wrong kind is refused by name when the file is read. What the values mean
 * (paths, generator ranges) is checked by the strategies at start-up.
 *
 * <p>Options every strategy takes: {@code pattern}, {@code mount}, {@code dependents}, {@code description}. A list
 * option may also be written as a single value ({@code fields: password}).
 */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "strategy",
        visible = true)
@JsonSubTypes({
    @JsonSubTypes.Type(value = TargetEntry.Kv2.class, name = "kv2"),
    @JsonSubTypes.Type(
            value = TargetEntry.Named.class,
            names = {"database-static-role", "database-root", "transit"}),
    @JsonSubTypes.Type(value = TargetEntry.LeasePrefix.class, name = "lease-revoke-prefix"),
    @JsonSubTypes.Type(value = TargetEntry.AwsRoot.class, name = "aws-root")
})
public sealed interface TargetEntry {
    /** The strategy a target without {@code strategy:} gets. */
    String DEFAULT_STRATEGY = "kv2";

    /** The glob of secret paths this target allows. */
    String pattern();

    /** The strategy's name, as written in the file. */
    String strategy();

    /** The engine's mount when it is not the path's first segment; null when left out. */
    String mount();

    /** Secret paths rotated after this one; null when left out. */
    List<String> dependents();

    /** Free text for people reading the file. */
    String description();

    /**
     * {@code kv2}: a KV version 2 secret.
     *
     * @param fields the fields to regenerate; null = the default rule
     * @param quarantine what happens to the replaced version; null = {@link Quarantine#DELETE}
     * @param generator the new values' shape; null = the defaults
     */
    record Kv2(
            String pattern,
            String strategy,
            String mount,
            List<String> dependents,
            String description,
            List<String> fields,
            Quarantine quarantine,
            Generator generator)
            implements TargetEntry {}

    /**
     * {@code database-static-role}, {@code database-root} and {@code transit}: a credential Vault knows by name.
     *
     * @param name the role, connection or key; null = the path's last segment
     */
    record Named(
            String pattern, String strategy, String mount, List<String> dependents, String description, String name)
            implements TargetEntry {}

    /**
     * {@code lease-revoke-prefix}: every lease under a prefix.
     *
     * @param prefix the lease prefix; null = the secret path
     */
    record LeasePrefix(
            String pattern, String strategy, String mount, List<String> dependents, String description, String prefix)
            implements TargetEntry {}

    /** {@code aws-root}: the AWS secrets engine's root credentials. */
    record AwsRoot(String pattern, String strategy, String mount, List<String> dependents, String description)
            implements TargetEntry {}

    /**
     * kv2's {@code generator:} block; null fields are left out.
     *
     * @param length characters of the random part
     * @param alphabet the characters it is drawn from
     * @param format {@code hex} or {@code uuid} instead of an alphabet
     * @param prefix prepended, not counted in length
     */
    record Generator(Integer length, String alphabet, String format, String prefix) {}

    /** kv2: what happens to the version a rotation replaced. */
    enum Quarantine {
        DELETE,
        DESTROY,
        NONE;

        /** {@code delete}, {@code destroy} or {@code none}; {@code false} reads as {@code none}. */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Quarantine of(final Object value) {
            if (Boolean.FALSE.equals(value)) {
                return NONE;
            }
            if (value instanceof String s) {
                for (final Quarantine q : values()) {
                    if (q.name().toLowerCase(Locale.ROOT).equals(s)) {
                        return q;
                    }
                }
            }
            throw new IllegalArgumentException("must be delete, destroy or none, got '" + value + "'");
        }
    }
}
