package dev.rotor.devvault;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Vault's time formats: RFC 3339 timestamps with trimmed nanoseconds (Go's RFC3339Nano) and Go duration strings. */
final class Times {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private Times() {}

    /** {@code 2018-03-22T02:36:43.986212308Z}: UTC, fraction without trailing zeros, none when whole seconds. */
    static String rfc3339(Instant t) {
        StringBuilder out = new StringBuilder(SECONDS.format(t));
        int nanos = t.get(ChronoField.NANO_OF_SECOND);
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
            out.append('.').append(fraction);
        }
        return out.append('Z').toString();
    }

    /**
     * Formats whole seconds the way Go's {@code time.Duration.String()} does: {@code 0s}, {@code 1m30s},
     * {@code 3h25m19s}.
     */
    static String goDuration(long seconds) {
        if (seconds == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long abs = Math.abs(seconds);
        if (seconds < 0) {
            out.append('-');
        }
        long hours = abs / 3600;
        long minutes = (abs % 3600) / 60;
        long secs = abs % 60;
        if (hours > 0) {
            out.append(hours).append('h').append(minutes).append('m');
        } else if (minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(secs).append('s').toString();
    }

    /**
     * Parses what Vault accepts for a duration field: an integer number of seconds (number or numeric string) or a Go
     * duration string ({@code 1h}, {@code 3h25m19s}, {@code 1.5h}, {@code -1s}). Returns whole seconds (truncated).
     *
     * @throws IllegalArgumentException when the text is neither
     */
    static long parseDurationSeconds(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return 0;
        }
        if (s.matches("-?\\d+")) {
            return Long.parseLong(s);
        }
        boolean negative = s.startsWith("-");
        String rest = negative || s.startsWith("+") ? s.substring(1) : s;
        Matcher m = DURATION_PART.matcher(rest);
        double nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("not a duration");
            }
            end = m.end();
            double value = Double.parseDouble(m.group(1));
            nanos += value * unitNanos(m.group(2));
        }
        if (end != rest.length() || end == 0) {
            throw new IllegalArgumentException("not a duration");
        }
        long seconds = (long) (nanos / 1_000_000_000d);
        return negative ? -seconds : seconds;
    }

    private static double unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1_000;
            case "ms" -> 1_000_000;
            case "s" -> 1_000_000_000d;
            case "m" -> 60 * 1_000_000_000d;
            default -> 3600 * 1_000_000_000d;
        };
    }

    static long seconds(Duration d) {
        return d == null ? 0 : d.toSeconds();
    }
}
