package dev.rotor.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations used in rotor's settings: {@code 500ms}, {@code 90s}, {@code 15m}, {@code 1h}, {@code 2d} or
 * ISO-8601 {@code PT15M}.
 */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    /**
     * Parses one duration.
     *
     * @throws IllegalArgumentException with a message fit to show after the setting's name
     */
    public static Duration parse(final String text) {
        final String value = text.trim();
        final Matcher m = SHORT.matcher(value);
        if (m.matches()) {
            final long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(value);
        } catch (final DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + value + "' is not a duration (use e.g. 500ms, 90s, 15m, 1h or PT15M)");
        }
    }

    /** The short form used in docs and the properties file. */
    public static String format(final Duration d) {
        final long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms != 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0 && ms != 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0 && ms != 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
