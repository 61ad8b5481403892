package dev.rotor.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.events.InvalidEventException.Code;
import dev.rotor.serde.JsonEventParser;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Pattern;

/**
 * Event times as senders write them, read by one set of rules for every input (native JSON events and the adapters'
 * formats). Errors name the field, never the text found.
 *
 * <ul>
 *   <li><b>Epoch numbers</b> (a JSON number, or a string of digits with an optional fraction): a magnitude below
 *       {@value #SECONDS_BELOW} is epoch <em>seconds</em>, anything larger epoch <em>milliseconds</em>. The ranges
 *       cannot be confused for real events: 10<sup>11</sup> ms is March 1973, 10<sup>11</sup> s the year 5138. Many
 *       SIEMs write seconds ({@code 1764966000}), Java and JavaScript producers milliseconds ({@code 1764966000000});
 *       read as milliseconds, seconds would mean January 1970. A fraction is allowed either way and cut to the
 *       millisecond; a negative number is refused.
 *   <li><b>ISO-8601 / RFC 3339 date-times</b>: {@code 2026-12-06T10:00:00Z}; seconds and a fraction of 1 to 9 digits
 *       optional ({@code 2026-12-06T10:00Z}, {@code 2026-12-06T10:00:00.123456Z}); the offset {@code Z},
 *       {@code +02:00}, {@code -05:30}, {@code +0530} or {@code +02}, or none, which means UTC; {@code T} or a single
 *       space between date and time ({@code 2026-12-06 10:00:00+00:00}, what Python's {@code str(datetime)} and many
 *       SQL-backed SIEM exports write, and RFC 3339 §5.6 allows); letters in any case. Refused: a date without a time,
 *       a zone name ({@code UTC}, {@code [Europe/Paris]}), a comma before the fraction, impossible dates, years outside
 *       0001–9999.
 * </ul>
 *
 * Whether a time is too far in the future or the past is detection's decision, not this class's.
 */
public final class Timestamps {
    /** Epoch numbers below this are seconds, others milliseconds. */
    public static final long SECONDS_BELOW = 100_000_000_000L;

    private static final BigDecimal SECONDS_LIMIT = BigDecimal.valueOf(SECONDS_BELOW);
    private static final BigDecimal LARGEST_MILLIS = BigDecimal.valueOf(Long.MAX_VALUE);
    /** Digits, an optional fraction; short enough that no string can make the arithmetic expensive. */
    private static final Pattern EPOCH_TEXT = Pattern.compile("\\d{1,19}(\\.\\d{1,9})?");

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** ISO local date-time, then an optional offset; lenient offsets accept +HH, +HHMM, +HH:MM (and seconds). */
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart()
            .parseLenient()
            .appendOffset("+HH", "Z")
            .optionalEnd()
            .toFormatter()
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT); // February 30th and 24:00 are errors, not next month or day

    private Timestamps() {}

    /**
     * A timestamp field of native input: a JSON number (epoch) or a string holding an epoch number or an ISO-8601
     * date-time.
     */
    public static Instant of(final JsonNode node, final String field) {
        if (node.isNumber()) {
            return epoch(node, field);
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(
                    Code.INVALID_TIMESTAMP,
                    field + " must be an ISO-8601 string or epoch " + "seconds or milliseconds, found "
                            + JsonEventParser.kind(node));
        }
        final String text = node.textValue().strip();
        if (EPOCH_TEXT.matcher(text).matches()) {
            return epoch(new BigDecimal(text), field);
        }
        return iso(text, field);
    }

    /** A JSON number read by the epoch rule above. */
    public static Instant epoch(final JsonNode number, final String field) {
        if (number.isIntegralNumber()) {
            return epoch(new BigDecimal(number.bigIntegerValue()), field);
        }
        final double d = number.doubleValue();
        if (!Double.isFinite(d)) {
            throw outOfRange(field);
        }
        // via the double's shortest decimal form: a huge exponent in the text cannot make the arithmetic expensive
        return epoch(BigDecimal.valueOf(d), field);
    }

    /** A number read by the epoch rule above. */
    public static Instant epoch(final BigDecimal value, final String field) {
        if (value.signum() < 0) {
            throw new InvalidEventException(Code.INVALID_TIMESTAMP, field + " must not be negative");
        }
        if (value.compareTo(LARGEST_MILLIS) > 0) {
            throw outOfRange(field);
        }
        final BigDecimal millis = value.compareTo(SECONDS_LIMIT) < 0 ? value.movePointRight(3) : value;
        return inRange(
                Instant.ofEpochMilli(millis.setScale(0, RoundingMode.DOWN).longValueExact()), field);
    }

    /** An ISO-8601 date-time as described above. */
    public static Instant iso(final String text, final String field) {
        final String t = text.strip();
        final Instant fast = utcFastPath(t);
        if (fast != null) {
            return fast;
        }
        // one space instead of the T (RFC 3339 §5.6); nothing else is rewritten
        final String iso = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
        final Instant parsed;
        try {
            final TemporalAccessor a = ISO.parseBest(iso, OffsetDateTime::from, LocalDateTime::from);
            parsed = a instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) a).toInstant(ZoneOffset.UTC);
        } catch (final DateTimeException e) {
            throw new InvalidEventException(
                    Code.INVALID_TIMESTAMP, field + " is not an ISO-8601 date-time (e.g. 2026-01-15T10:30:00Z)");
        }
        return inRange(parsed, field);
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, the form nearly every sender uses, read without the general formatter
     * (which costs more than the rest of an event's decoding); anything else returns null and takes the general path.
     */
    static Instant utcFastPath(final String t) {
        final int n = t.length();
        if (n < 20
                || t.charAt(n - 1) != 'Z'
                || t.charAt(4) != '-'
                || t.charAt(7) != '-'
                || t.charAt(10) != 'T'
                || t.charAt(13) != ':'
                || t.charAt(16) != ':') {
            return null;
        }
        final int year = digits(t, 0, 4);
        final int month = digits(t, 5, 7);
        final int day = digits(t, 8, 10);
        final int hour = digits(t, 11, 13);
        final int minute = digits(t, 14, 16);
        final int second = digits(t, 17, 19);
        int nanos = 0;
        if (n > 20) {
            if (t.charAt(19) != '.' || n - 21 < 1 || n - 21 > 9) {
                return null;
            }
            final int fraction = digits(t, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 21; i < 9; i++) {
                nanos *= 10;
            }
        } else if (t.charAt(19) != 'Z') {
            return null;
        }
        if (year < 1
                || month < 1
                || month > 12
                || day < 1
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos)
                    .toInstant(ZoneOffset.UTC);
        } catch (final DateTimeException e) {
            return null; // e.g. February 30th: the general path reports it
        }
    }

    /** The decimal number in t[from, to), or -1 when a character is not a digit. */
    private static int digits(final String t, final int from, final int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            final char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Years 0001–9999 only: anything else cannot be an event's time, and some cannot be held in epoch milliseconds. */
    private static Instant inRange(final Instant t, final String field) {
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw outOfRange(field);
        }
        return t;
    }

    private static InvalidEventException outOfRange(final String field) {
        return new InvalidEventException(Code.INVALID_TIMESTAMP, field + " is out of range (years 0001-9999)");
    }
}
