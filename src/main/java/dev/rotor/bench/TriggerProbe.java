package dev.rotor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Sends one {@code manual_trigger} per path at a fixed rate (open loop: a late send is sent at once, never skipped) and
 * measures each trigger from just before {@code send()} until its result is readable (read_committed, matched by the
 * secret path). Results still missing {@link #DRAIN} after the last send are counted at their lower bound (end of the
 * wait − send time), never dropped; the outcome says how many, and how many results were not ROTATED, so the scenario
 * can refuse the figure.
 */
final class TriggerProbe {
    /** How long results are awaited after the last send. */
    static final Duration DRAIN = Duration.ofSeconds(60);

    /**
     * @param latency microseconds, one value per trigger
     * @param segments where the time went (ms): {@code to_start} = send until the executor started the rotation,
     *     {@code rotation} = the result's own duration, {@code to_readable} = completion until read
     * @param sent triggers sent
     * @param missing results not readable within the drain
     * @param notRotated results whose status was not ROTATED
     * @param resultsPerSecond results received per second of the probe
     */
    record Outcome(
            Histogram latency,
            Map<String, Histogram> segments,
            int sent,
            int missing,
            int notRotated,
            double resultsPerSecond) {
        /** "p50/p99" of the latency in whole milliseconds, for a scenario's details. */
        String p50p99Millis() {
            return latency.getValueAtPercentile(50) / 1000 + "/" + latency.getValueAtPercentile(99) / 1000;
        }

        /** Why this outcome's latency cannot be trusted; null when every trigger rotated in time. */
        String problem(final String what) {
            if (missing == 0 && notRotated == 0) {
                return null;
            }
            return what + ": "
                    + (missing > 0
                            ? missing + " of " + sent + " results missing " + DRAIN.toSeconds()
                                    + " s after the last send"
                            : "")
                    + (missing > 0 && notRotated > 0 ? ", " : "")
                    + (notRotated > 0 ? notRotated + " of " + sent + " results not ROTATED" : "");
        }
    }

    /** Receives the results of other paths (background load) while the probe reads. */
    @FunctionalInterface
    interface OtherResults {
        void accept(String path, String status);
    }

    private TriggerProbe() {}

    static Outcome run(
            final RotorUnderTest rotor,
            final List<String> paths,
            final double perSecond,
            final String eventPrefix,
            final String label,
            final OtherResults others)
            throws InterruptedException {
        final int count = paths.size();
        final Map<String, Integer> index = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            index.put(paths.get(i), i);
        }
        final Histogram h = new Histogram(3_600_000_000L, 3);
        final Map<String, Histogram> segments = new LinkedHashMap<>();
        final AtomicLongArray sentAt = new AtomicLongArray(count);
        final AtomicLongArray sentEpochMs = new AtomicLongArray(count);
        final long firstSend = System.nanoTime();
        final Thread sender = new Thread(
                () -> {
                    final double interval = 1e9 / perSecond;
                    for (int i = 0; i < count; i++) {
                        final long due = firstSend + (long) (i * interval);
                        long now;
                        while ((now = System.nanoTime()) < due) {
                            LockSupport.parkNanos(Math.min(due - now, 200_000));
                        }
                        final byte[] ev =
                                RotorUnderTest.event(eventPrefix + i, "manual_trigger", "low", List.of(paths.get(i)));
                        sentAt.set(i, System.nanoTime());
                        sentEpochMs.set(i, System.currentTimeMillis());
                        rotor.send(ev);
                    }
                    rotor.flush();
                },
                "bench-trigger-sender");
        final AtomicLong received = new AtomicLong();
        final boolean[] got = new boolean[count];
        final int[] notRotated = {0};
        try (Progress ignored = Progress.start(label, count, received::get)) {
            sender.start();
            long lastSendDone = 0;
            while (received.get() < count) {
                rotor.pollResults(Duration.ofMillis(50), (path, status, result, at) -> {
                    final Integer i = index.get(path);
                    if (i == null) {
                        others.accept(path, status);
                        return;
                    }
                    if (got[i]) {
                        return;
                    }
                    got[i] = true;
                    if (!status.equals("ROTATED")) {
                        notRotated[0]++;
                    }
                    h.recordValue(Math.max(1, (at - sentAt.get(i)) / 1000));
                    breakdown(segments, result, sentEpochMs.get(i), System.currentTimeMillis());
                    received.incrementAndGet();
                });
                if (!sender.isAlive() && lastSendDone == 0) {
                    lastSendDone = System.nanoTime();
                }
                if (lastSendDone != 0 && System.nanoTime() - lastSendDone > DRAIN.toNanos()) {
                    break;
                }
            }
            sender.join();
        }
        final long end = System.nanoTime();
        int missing = 0;
        for (int i = 0; i < count; i++) {
            if (!got[i] && sentAt.get(i) != 0) {
                h.recordValue(Math.max(1, (end - sentAt.get(i)) / 1000));
                missing++;
            }
        }
        final double elapsed = (end - firstSend) / 1e9;
        return new Outcome(h, segments, count, missing, notRotated[0], received.get() / Math.max(0.001, elapsed));
    }

    private static void breakdown(
            final Map<String, Histogram> segments, final JsonNode r, final long sentMs, final long receivedMs) {
        try {
            final long started =
                    Instant.parse(r.path("rotation_started_at").asText()).toEpochMilli();
            final long completed =
                    Instant.parse(r.path("rotation_completed_at").asText()).toEpochMilli();
            segment(segments, "to_start", started - sentMs);
            segment(segments, "rotation", completed - started);
            segment(segments, "to_readable", receivedMs - completed);
        } catch (final RuntimeException e) {
            // a result without timestamps: no breakdown for it
        }
    }

    private static void segment(final Map<String, Histogram> segments, final String key, final long ms) {
        segments.computeIfAbsent(key, k -> new Histogram(3_600_000L, 3)).recordValue(Math.max(0, ms));
    }

    /** "to_start 12/40, rotation 5/9, to_readable 20/31" (p50/p99 ms). */
    static String describeSegments(final Map<String, Histogram> segments) {
        final StringBuilder where = new StringBuilder();
        for (final String seg : List.of("to_start", "rotation", "to_readable")) {
            final Histogram sh = segments.get(seg);
            if (sh != null) {
                where.append(where.length() == 0 ? "" : ", ")
                        .append(seg)
                        .append(' ')
                        .append(sh.getValueAtPercentile(50))
                        .append('/')
                        .append(sh.getValueAtPercentile(99));
            }
        }
        return where.toString();
    }
}
