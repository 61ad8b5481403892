package dev.rotor.cli;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationResult;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lines {@code rotor local} and {@code rotor run} print for a person: one per detection decision, one per rotation
 * result, the demo's summary table, and the tally of lines left out when many arrive at once. Pure functions of the
 * output records, so the console and its tests cannot drift.
 *
 * <ol>
 *   <li><b>What is shown.</b> The secret path (or the event id when a decision names no secret, "unreadable record"
 *       when there is not even that), the decision or status, the rule or strategy, and rotor's own value-free reason
 *       or error. Nothing of the triggering event's text (description, metadata) is printed.
 *   <li><b>What is left out.</b> The executor's audit records (ROTATION_STARTED, VAULT_CALL, ROTATION_FINISHED: the
 *       result line says it), NOT_RELEVANT (records an adapter found to be no security event) and UNKNOWN.
 *   <li><b>Width.</b> Reasons and errors are cut at {@value #MAX_TEXT} characters and control characters become spaces,
 *       so one line stays one line.
 * </ol>
 */
final class ConsoleFormat {
    static final int MAX_TEXT = 100;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ConsoleFormat() {}

    /** Whether a person is shown this audit record (detection decisions only; see the class notes). */
    static boolean shown(final AuditRecord a) {
        final AuditDecision d = a.getDecision();
        return d.compareTo(AuditDecision.ROTATION_STARTED) < 0 && d != AuditDecision.NOT_RELEVANT;
    }

    /**
     * {@code decision secret/prod/db BELOW_THRESHOLD failed-auth-threshold 7 of 10 within 15m}; the reason is left out
     * of ROTATE lines (the rule says it).
     */
    static String decision(final AuditRecord a) {
        final String subject = a.getSecretPath() != null
                ? a.getSecretPath()
                : a.getEventId() != null ? "event " + a.getEventId() : "unreadable record";
        final String rule = a.getRule() == null ? "-" : a.getRule();
        final String line = String.format(Locale.ROOT, "  decision  %-28s %-17s %s", subject, a.getDecision(), rule);
        return a.getDecision() == AuditDecision.ROTATE
                        || a.getReason() == null
                        || a.getReason().isBlank()
                ? line
                : line + "  " + text(a.getReason());
    }

    /** {@code rotation secret/prod/db ROTATED kv2 47 ms}, then the error when there is one. */
    static String rotation(final RotationResult r) {
        final String line = String.format(
                Locale.ROOT,
                "  rotation  %-28s %-17s %-6s %5d ms",
                r.getSecretPath(),
                r.getStatus(),
                r.getStrategy(),
                r.getDurationMs());
        return r.getError() == null || r.getError().isBlank() ? line : line + "  " + text(r.getError());
    }

    /** A line of the live console: the time it was recorded (UTC), then the line. */
    static String timed(final Instant at, final String line) {
        return TIME.format(at) + line;
    }

    /** The demo table's header. */
    static String tableHeader() {
        return row("example", "secret", "result", "strategy", "duration");
    }

    /** One row of the demo table; {@code result} null when the secret has no result. */
    static String tableRow(final String example, final String path, final RotationResult result) {
        return result == null
                ? row(example, path, "NO RESULT", "-", "-")
                : row(
                        example,
                        path,
                        result.getStatus().toString(),
                        result.getStrategy(),
                        result.getDurationMs() + " ms");
    }

    private static String row(
            final String example,
            final String path,
            final String result,
            final String strategy,
            final String duration) {
        return String.format(Locale.ROOT, "%-31s %-28s %-17s %-8s %s", example, path, result, strategy, duration);
    }

    /**
     * The line that stands for lines left out: {@code ... 1250 more lines in the last second (BELOW_THRESHOLD 1200,
     * ROTATED 50); /stats has the totals}. Kinds in alphabetical order.
     */
    static String omitted(final Map<String, Long> countsByKind) {
        final long total =
                countsByKind.values().stream().mapToLong(Long::longValue).sum();
        final StringBuilder kinds = new StringBuilder();
        new TreeMap<>(countsByKind)
                .forEach((kind, n) -> kinds.append(kinds.length() == 0 ? "" : ", ")
                        .append(kind)
                        .append(' ')
                        .append(n));
        return "  ... " + total + " more line" + (total == 1 ? "" : "s") + " in the last second (" + kinds
                + "); /stats has the totals";
    }

    /** Free text on one line: control characters as spaces, at most {@link #MAX_TEXT} characters. */
    static String text(final String s) {
        final String flat = s.replaceAll("\\p{Cntrl}", " ").strip();
        return flat.length() <= MAX_TEXT ? flat : flat.substring(0, MAX_TEXT - 1) + "…";
    }
}
