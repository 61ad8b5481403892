package dev.rotor.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;

/**
 * What a setting's value must look like, as Kafka's {@link ConfigDef} expresses it: the {@link ConfigDef.Type} the text
 * is parsed as, and the {@link ConfigDef.Validator} the parsed value must pass. Durations and sizes have no Kafka type:
 * they stay strings and their validator parses them ({@link Durations}, {@link #bytes}).
 *
 * <p>The validators throw rotor's {@link ConfigException}, which is a Kafka {@code ConfigException}, so they keep the
 * {@code Validator} contract and every message still starts with the key. {@link #malformed} is the problem shown when
 * the text does not parse as the type at all (Kafka's own message names the value but not what was expected).
 */
public final class SettingType {
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** Application ids become consumer groups, topic name prefixes and directory names: the topic alphabet, short. */
    private static final Pattern APPLICATION_ID_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{0,100}");

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)b?");

    /** Free text; whoever reads it checks it (cross-setting rules, lists). */
    public static final SettingType TEXT = new SettingType(ConfigDef.Type.STRING, null, "any text", null);

    public static final SettingType TOPIC = text("a topic name", SettingType::topicNameProblem);

    public static final SettingType APPLICATION_ID = text(
            "letters, digits, '.', '_', '-'; at most 100",
            v -> APPLICATION_ID_PREFIX.matcher(v).matches()
                    ? null
                    : "'" + v + "' cannot start an application id (letters, digits, '.', '_', '-'; at most 100),"
                            + " e.g. shadow-");

    public static final SettingType VAULT_ADDRESS = text("an http(s) URL", v -> {
        VaultAddress.checked(v);
        return null;
    });

    public static final SettingType NON_EMPTY = text("not empty", v -> v.isEmpty() ? "must not be empty" : null);

    public static final SettingType FLAG =
            new SettingType(ConfigDef.Type.BOOLEAN, null, "true or false", "true or false");

    public static final SettingType POSITIVE =
            number("at least 1", n -> n > 0 ? null : "must be greater than 0, got " + n);

    public static final SettingType COUNT = number("at least 0", n -> n >= 0 ? null : "must be 0 or more, got " + n);

    public static final SettingType PORT = integer("a port number from 0 to 65535", p -> p >= 0 && p <= 65535);

    public static final SettingType REPLICATION_FACTOR =
            integer("-1 (the broker's default) or a positive number", r -> r == -1 || (r >= 1 && r <= Short.MAX_VALUE));

    public static final SettingType DURATION =
            duration("a duration of 0 or more", d -> d.isNegative() ? "must not be negative" : null);

    public static final SettingType POSITIVE_DURATION =
            duration("a duration longer than 0", d -> d.isNegative() || d.isZero() ? "must be longer than 0" : null);

    /** The Vault driver takes its timeouts in whole seconds. */
    public static final SettingType WHOLE_SECONDS = duration("a whole number of seconds, at least 1s", d -> {
        if (d.isNegative() || d.isZero()) {
            return "must be longer than 0";
        }
        return d.toMillis() % 1000 != 0 ? "must be a whole number of seconds (the Vault client's resolution)" : null;
    });

    /** Off-heap memory below this starves RocksDB. */
    public static final SettingType MEMORY = text("a size of at least 8m, such as 64m or 1g", v -> {
        final long n = bytes(v);
        if (n < 0) {
            return "must be a size such as 64m or 1g, got '" + v + "'";
        }
        return n < (8L << 20) ? "must be at least 8m" : null;
    });

    private final ConfigDef.Type type;
    private final ConfigDef.Validator validator;
    private final String describe;
    private final String malformed;

    private SettingType(
            final ConfigDef.Type type,
            final ConfigDef.Validator validator,
            final String describe,
            final String malformed) {
        this.type = type;
        this.validator = validator;
        this.describe = describe;
        this.malformed = malformed;
    }

    /** Kafka's type of the value: what {@code ConfigDef.parse} turns the text into. */
    public ConfigDef.Type type() {
        return type;
    }

    /** The check the parsed value must pass, or {@code null} when any value of the type will do. */
    public ConfigDef.Validator validator() {
        return validator;
    }

    /** The problem, naming the value, when {@code text} does not parse as {@link #type()}. */
    String malformed(final String text) {
        return "must be " + malformed + ", got '" + text.trim() + "'";
    }

    @Override
    public String toString() {
        return describe;
    }

    /** What is wrong with {@code name} as a Kafka topic name, or null when nothing is. */
    static String topicNameProblem(final String name) {
        return TOPIC_NAME.matcher(name).matches()
                ? null
                : "'" + name + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)";
    }

    /** A whole number from {@code min} to {@code max}; the same message for text that is no number. */
    public static SettingType range(final long min, final long max) {
        final String expected = "a whole number from " + min + " to " + max;
        return new SettingType(
                ConfigDef.Type.LONG,
                check(expected, v -> {
                    final long n = (Long) v;
                    return n >= min && n <= max ? null : "must be " + expected + ", got '" + n + "'";
                }),
                expected,
                expected);
    }

    /** Text of {@code min} to {@code max} characters (after trimming). */
    public static SettingType text(final int min, final int max, final String problem) {
        return text(min + " to " + max + " characters", v -> v.length() >= min && v.length() <= max ? null : problem);
    }

    /** One of the constants of {@code choices}, in any case. */
    public static <E extends Enum<E>> SettingType oneOf(final Class<E> choices) {
        final List<String> names = Arrays.stream(choices.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .toList();
        return text(
                "one of " + names,
                v -> names.contains(v.toLowerCase(Locale.ROOT))
                        ? null
                        : "must be one of " + names + ", got '" + v + "'");
    }

    /** A duration from 0 (when {@code zeroAllowed}) or above 0, up to {@code max}. */
    public static SettingType durationUpTo(final Duration max, final boolean zeroAllowed) {
        final String upTo = Durations.format(max);
        final String problem = zeroAllowed ? "must be from 0 to " + upTo : "must be longer than 0 and at most " + upTo;
        return duration(
                zeroAllowed ? "a duration from 0 to " + upTo : "a duration above 0, at most " + upTo,
                d -> d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(max) > 0 ? problem : null);
    }

    /**
     * A size such as {@code 64m}, {@code 1g}, {@code 512k} or a number of bytes; -1 when {@code text} is none.
     *
     * @throws ConfigException never; an unreadable size is -1
     */
    static long bytes(final String text) {
        final Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).length() > 12) {
            return -1;
        }
        return Long.parseLong(m.group(1))
                << switch (m.group(2)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
    }

    private static SettingType text(final String describe, final Function<String, String> problem) {
        return new SettingType(ConfigDef.Type.STRING, check(describe, v -> problem.apply((String) v)), describe, null);
    }

    private static SettingType number(final String describe, final Function<Long, String> problem) {
        return new SettingType(
                ConfigDef.Type.LONG, check(describe, v -> problem.apply((Long) v)), describe, "a whole number");
    }

    private static SettingType integer(final String expected, final IntPredicate ok) {
        return new SettingType(
                ConfigDef.Type.INT,
                check(expected, v -> ok.test((Integer) v) ? null : "must be " + expected + ", got '" + v + "'"),
                expected,
                expected);
    }

    private static SettingType duration(final String describe, final Function<Duration, String> problem) {
        return text(describe, v -> {
            final Duration d;
            try {
                d = Durations.parse(v);
                long unused = d.toMillis(); // every duration is used in milliseconds somewhere: it must fit
            } catch (final IllegalArgumentException e) {
                return e.getMessage();
            } catch (final ArithmeticException e) {
                return "'" + v + "' is too long";
            }
            return problem.apply(d);
        });
    }

    /** A validator that reports {@code problem}'s answer (null: valid) under the key, described for the docs. */
    private static ConfigDef.Validator check(final String describe, final Function<Object, String> problem) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(final String name, final Object value) {
                final String p = value == null ? "must be set" : problem.apply(value);
                if (p != null) {
                    throw new ConfigException(name, p);
                }
            }

            @Override
            public String toString() {
                return describe;
            }
        };
    }
}
