package dev.rotor.bench;

import dev.rotor.config.RotorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Scenario 2: manual triggers at a fixed rate, each naming a distinct KV v2 secret seeded in the dev Vault; per event
 * the time from just before {@code send()} to its result being readable by a read_committed consumer of
 * rotation-results (matched by the record key, the secret path). Full rotor in this JVM ({@link RotorUnderTest}),
 * fresh state directory per run, a warm-up of {@value #WARM_UP} triggers (not measured) first. Once with rotor's
 * default exactly_once_v2 and once with {@code kafka.processing.guarantee=at_least_once}.
 */
final class LatencyScenario {
    static final int WARM_UP = 200;
    /** How long results are awaited after the last send; missing ones then count at their lower bound. */
    static final Duration DRAIN = Duration.ofSeconds(60);
    static final String[] GUARANTEES = {"exactly_once_v2", "at_least_once"};

    private final BenchEnv env;
    private final BenchSettings s;
    /** Per guarantee: every run's histogram merged (microseconds), for the report's distribution. */
    final Map<String, Histogram> merged = new LinkedHashMap<>();
    final Map<String, Object> details = new LinkedHashMap<>();

    /**
     * Where the time goes, per guarantee and segment, from the result's own timestamps (wall clock, ms): {@code
     * to_start} = send until the executor started the rotation (detection, its commit, the executor's poll),
     * {@code rotation} = the result's duration_ms (worker queue and Vault calls), {@code to_readable} = rotation
     * completed until the reader had it (publish punctuation, the executor's commit, the fetch).
     */
    final Map<String, Histogram> segments = new LinkedHashMap<>();

    private void breakdown(final String guarantee, final com.fasterxml.jackson.databind.JsonNode r, final long sentMs,
                           final long receivedMs) {
        try {
            final long started = java.time.Instant.parse(r.path("rotation_started_at").asText()).toEpochMilli();
            final long completed = java.time.Instant.parse(r.path("rotation_completed_at").asText()).toEpochMilli();
            segment(guarantee + ".to_start", started - sentMs);
            segment(guarantee + ".rotation", completed - started);
            segment(guarantee + ".to_readable", receivedMs - completed);
        } catch (final RuntimeException e) {
            // a result without timestamps: no breakdown for it
        }
    }

    private void segment(final String key, final long ms) {
        segments.computeIfAbsent(key, k -> new Histogram(3_600_000L, 3)).recordValue(Math.max(0, ms));
    }

    LatencyScenario(final BenchEnv env) {
        this.env = env;
        this.s = env.settings;
    }

    static String shortName(final String guarantee) {
        return guarantee.equals("at_least_once") ? "alos" : "eos";
    }

    List<Figure> run() throws Exception {
        final List<Figure> figures = new ArrayList<>();
        final int perRun = s.latencyRate() * s.latencySeconds();
        details.put("rate_per_s", s.latencyRate());
        details.put("seconds", s.latencySeconds());
        details.put("events_per_run", perRun);
        details.put("warm_up_events", WARM_UP);
        for (final String g : GUARANTEES) {
            final String n = shortName(g);
            final Map<String, List<Double>> values = new LinkedHashMap<>();
            for (final String p : List.of("p50", "p95", "p99", "max")) {
                values.put(p, new ArrayList<>());
            }
            final Histogram all = new Histogram(3_600_000_000L, 3);
            for (int r = 1; r <= s.runs(); r++) {
                final Histogram h = runOnce(g, r, perRun);
                all.add(h);
                values.get("p50").add(h.getValueAtPercentile(50) / 1000.0);
                values.get("p95").add(h.getValueAtPercentile(95) / 1000.0);
                values.get("p99").add(h.getValueAtPercentile(99) / 1000.0);
                values.get("max").add(h.getMaxValue() / 1000.0);
            }
            merged.put(n, all);
            final StringBuilder where = new StringBuilder();
            for (final String seg : List.of("to_start", "rotation", "to_readable")) {
                final Histogram sh = segments.get(n + "." + seg);
                if (sh != null) {
                    where.append(where.length() == 0 ? "" : ", ").append(seg).append(' ')
                            .append(sh.getValueAtPercentile(50)).append('/').append(sh.getValueAtPercentile(99));
                }
            }
            details.put(n + "_breakdown_p50/p99_ms", where.toString());
            final String label = n.equals("eos") ? "exactly-once" : "at-least-once";
            values.forEach((p, v) -> figures.add(new Figure("latency." + n + "." + p, "latency",
                    label + " " + p + " produce -> result", "ms", v)));
        }
        return figures;
    }

    private Histogram runOnce(final String guarantee, final int run, final int count) throws Exception {
        final String n = shortName(guarantee);
        env.resetRotorApplications();
        final Map<String, String> overrides = env.rotorOverrides("lat-" + n + "-r" + run,
                RotorUnderTest.freshStateDir(env, "lat-" + n + "-r" + run));
        overrides.put("kafka.processing.guarantee", guarantee);
        env.vault();
        final RotorConfig config = env.rotorConfig(overrides);
        final String base = "secret/bench/lat/" + n + "/r" + run + "/s";
        final List<String> paths = new ArrayList<>(count);
        final Map<String, Integer> index = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            paths.add(base + i);
            index.put(base + i, i);
        }
        RotorUnderTest.seed(env, paths);
        final List<String> warm = new ArrayList<>();
        for (int i = 0; i < WARM_UP; i++) {
            warm.add("secret/bench/lat/" + n + "/r" + run + "/warm" + i);
        }
        final Histogram h = new Histogram(3_600_000_000L, 3);
        try (RotorUnderTest rotor = RotorUnderTest.start(env, config)) {
            rotor.warmUp(env, warm, Duration.ofSeconds(120));
            final AtomicLongArray sentAt = new AtomicLongArray(count);
            final AtomicLongArray sentEpochMs = new AtomicLongArray(count);
            final AtomicLong sent = new AtomicLong();
            final String eventPrefix = env.prefix + "-lat-" + n + "-r" + run + "-";
            final long[] firstSent = {System.nanoTime()};
            final Thread sender = new Thread(() -> {
                final long start = System.nanoTime();
                final double interval = 1e9 / s.latencyRate();
                for (int i = 0; i < count; i++) {
                    final long due = start + (long) (i * interval);
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(Math.min(due - now, 200_000));
                    }
                    final byte[] ev = RotorUnderTest.event(eventPrefix + i, "manual_trigger", "low",
                            List.of(paths.get(i)));
                    sentAt.set(i, System.nanoTime());
                    sentEpochMs.set(i, System.currentTimeMillis());
                    rotor.send(ev);
                    sent.incrementAndGet();
                }
                rotor.flush();
            }, "bench-latency-sender");
            final AtomicLong received = new AtomicLong();
            final boolean[] got = new boolean[count];
            final int[] failed = {0};
            try (Progress ignored = Progress.start("latency " + n + " run " + run + "/" + s.runs()
                    + " (" + s.latencyRate() + "/s)", count, received::get)) {
                sender.start();
                long lastSendDone = 0;
                while (received.get() < count) {
                    rotor.pollResults(Duration.ofMillis(50), (path, status, result, at) -> {
                        final Integer i = index.get(path);
                        if (i == null || got[i]) {
                            return;
                        }
                        got[i] = true;
                        if (!status.equals("ROTATED")) {
                            failed[0]++;
                        }
                        h.recordValue(Math.max(1, (at - sentAt.get(i)) / 1000));
                        breakdown(n, result, sentEpochMs.get(i), System.currentTimeMillis());
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
            // results still missing after the drain: counted at their lower bound (now - sent), never dropped
            final long now = System.nanoTime();
            int late = 0;
            for (int i = 0; i < count; i++) {
                if (!got[i] && sentAt.get(i) != 0) {
                    h.recordValue(Math.max(1, (now - sentAt.get(i)) / 1000));
                    late++;
                }
            }
            details.merge(n + "_results_missing_after_drain", late, (a, b) -> (Integer) a + (Integer) b);
            final double elapsed = (now - firstSent[0]) / 1e9;
            details.merge(n + "_results_per_s", Math.round(received.get() / Math.max(0.001, elapsed)),
                    (a, b) -> a + " " + b);
            details.merge(n + "_not_rotated", failed[0], (a, b) -> (Integer) a + (Integer) b);
        }
        return h;
    }
}
