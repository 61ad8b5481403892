package dev.rotor.replay;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/** What one replay read, picked, republished and skipped (and why), as printed by {@code rotor dlq replay}. */
public final class ReplaySummary {
    private final String topic;
    private final ReplayFilter filter;
    private final boolean dryRun;
    private long read;
    private long matched;
    private long republished;
    private long withoutHeaders;
    private long failed;
    private final Map<String, Long> matchedByCode = new TreeMap<>();
    private final Map<String, Long> republishedTo = new TreeMap<>();
    private final Map<String, Long> skipped = new TreeMap<>();

    ReplaySummary(final String topic, final ReplayFilter filter, final boolean dryRun) {
        this.topic = topic;
        this.filter = filter;
        this.dryRun = dryRun;
    }

    void count(final DeadLetterVerdict verdict) {
        read++;
        if (verdict instanceof DeadLetterVerdict.NotMatched) {
            return;
        }
        matched++;
        if (verdict instanceof DeadLetterVerdict.Skipped s) {
            matchedByCode.merge(s.code(), 1L, Long::sum);
            skipped.merge(s.reason(), 1L, Long::sum);
        } else if (verdict instanceof DeadLetterVerdict.Republish r) {
            matchedByCode.merge(r.code(), 1L, Long::sum);
        }
    }

    void republished(final DeadLetterVerdict.Republish r) {
        republished++;
        republishedTo.merge(r.record().topic(), 1L, Long::sum);
        if (r.headersDropped()) {
            withoutHeaders++;
        }
    }

    void failed(final String reason) {
        failed++;
        skipped.merge("not sent: " + reason, 1L, Long::sum);
    }

    public long read() {
        return read;
    }

    public long matched() {
        return matched;
    }

    public long republished() {
        return republished;
    }

    /** Matched dead letters not republished, by reason (including sends that failed). */
    public Map<String, Long> skipped() {
        return Map.copyOf(skipped);
    }

    /** Sends that failed: the command exits 1. */
    public long failed() {
        return failed;
    }

    public void print(final PrintWriter out) {
        out.printf(
                "%s%s: read %d, matched %d (%s)%n",
                dryRun ? "dry run, nothing sent. " : "", topic, read, matched, filter.describe());
        if (!matchedByCode.isEmpty()) {
            out.printf("  matched by code: %s%n", join(matchedByCode));
        }
        out.printf(
                "  %s %d%s%n",
                dryRun ? "would republish" : "republished",
                republished,
                republishedTo.isEmpty() ? "" : " (" + join(republishedTo) + ")");
        if (withoutHeaders > 0) {
            out.printf("    of which %d without their original headers (dropped to fit the DLQ)%n", withoutHeaders);
        }
        final long skippedCount =
                skipped.values().stream().mapToLong(Long::longValue).sum();
        out.printf("  skipped %d%n", skippedCount);
        skipped.forEach((reason, n) -> out.printf("    %d: %s%n", n, reason));
        out.flush();
    }

    private static String join(final Map<String, Long> counts) {
        final StringBuilder b = new StringBuilder();
        counts.forEach((k, v) ->
                b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return b.toString();
    }
}
