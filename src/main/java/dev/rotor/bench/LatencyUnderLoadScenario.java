package dev.rotor.bench;

import dev.rotor.config.RotorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Scenario {@code latency-under-load}: how fast a trigger is rotated while rotor is busy, as in production, not idle.
 * Full rotor in this JVM (exactly_once_v2, its defaults), freshly reset and warmed up, then for
 * {@code --latency-seconds}: a background stream of {@value #BACKGROUND_PER_S} events/s of the bench mix
 * ({@link EventMix}, stamped with the time of sending, its direct triggers and burst paths seeded in the dev Vault so
 * they rotate for real), and {@value #TRIGGERS_PER_S} manual triggers/s on distinct seeded secrets, measured from just
 * before {@code send()} to a readable result ({@link TriggerProbe}). The background starts {@link #RAMP} before the
 * first trigger and runs until the last one is sent.
 *
 * <p>Checks: the warm-up completed; every trigger rotated within the drain; the background sender kept at least
 * {@value #MIN_BACKGROUND_SHARE} of its rate (a sender that fell behind would flatter rotor with less load). A failed
 * check makes the scenario's figures INVALID.
 */
final class LatencyUnderLoadScenario {
    static final int BACKGROUND_PER_S = 1_000;
    static final int TRIGGERS_PER_S = 10;
    static final double MIN_BACKGROUND_SHARE = 0.95;
    /**
     * How long the background runs before the first trigger. The question is the steady state; with 2 s the scenario
     * measured the start of the load on a cold broker instead (p50 2-5.6 s run alone, 0.15 s after other scenarios).
     */
    static final Duration RAMP = Duration.ofSeconds(20);

    private final BenchEnv env;
    private final BenchSettings s;
    /** Every run's latency merged (microseconds), for the report's distribution; absent when invalid. */
    final Map<String, Histogram> merged = new LinkedHashMap<>();

    final Map<String, Object> details = new LinkedHashMap<>();

    LatencyUnderLoadScenario(final BenchEnv env) {
        this.env = env;
        this.s = env.settings;
    }

    List<Figure> run() throws Exception {
        final Map<String, List<Double>> values = new LinkedHashMap<>();
        for (final String p : List.of("p50", "p90", "p99", "max")) {
            values.put(p, new ArrayList<>());
        }
        final List<String> problems = new ArrayList<>();
        final Histogram all = new Histogram(3_600_000_000L, 3);
        final Map<String, Histogram> segments = new LinkedHashMap<>();
        details.put("background_events_per_s", BACKGROUND_PER_S);
        details.put("triggers_per_s", TRIGGERS_PER_S);
        details.put("seconds", s.latencySeconds());
        details.put("guarantee", "rotor's default (exactly_once_v2 unless --set)");
        for (int r = 1; r <= s.runs(); r++) {
            final Histogram h = runOnce(r, problems, segments);
            all.add(h);
            values.get("p50").add(h.getValueAtPercentile(50) / 1000.0);
            values.get("p90").add(h.getValueAtPercentile(90) / 1000.0);
            values.get("p99").add(h.getValueAtPercentile(99) / 1000.0);
            values.get("max").add(h.getMaxValue() / 1000.0);
        }
        if (problems.isEmpty()) {
            merged.put("under load", all);
        }
        details.put("breakdown_p50/p99_ms", TriggerProbe.describeSegments(segments));
        details.put("checks", problems.isEmpty() ? "passed" : String.join("; ", problems));
        final List<Figure> figures = new ArrayList<>();
        values.forEach((p, v) -> figures.add(Figure.checked(
                "latency_under_load." + p,
                "under-load",
                p + " trigger -> result amid 1,000 events/s, EOS",
                "ms",
                v,
                problems)));
        return figures;
    }

    private Histogram runOnce(final int run, final List<String> problems, final Map<String, Histogram> segments)
            throws Exception {
        env.resetRotorApplications();
        final String tag = "load-r" + run;
        final Map<String, String> overrides = env.rotorOverrides(tag, RotorUnderTest.freshStateDir(env, tag));
        env.vault();
        final RotorConfig config = env.rotorConfig(overrides);
        final String root = "secret/bench/load/r" + run;
        final int triggers = TRIGGERS_PER_S * s.latencySeconds();
        final List<String> paths = RotorUnderTest.paths(root + "/trigger/s", triggers);
        RotorUnderTest.seed(env, paths);
        final int backgroundCount = (int) (BACKGROUND_PER_S * (s.latencySeconds() + RAMP.toSeconds()));
        final EventMix background = EventMix.generate(
                backgroundCount,
                System.currentTimeMillis(),
                s.seed() + run,
                env.prefix + "-" + tag + "-bg",
                root + "/bg",
                false);
        RotorUnderTest.seed(env, background.triggerPaths());
        RotorUnderTest.seed(env, background.burstPathNames());
        final List<String> warm = RotorUnderTest.paths(root + "/warm", LatencyScenario.WARM_UP);
        final String what = "run " + run;
        try (RotorUnderTest rotor = RotorUnderTest.start(env, config);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(backgroundProducer())) {
            final RotorUnderTest.WarmUp w = rotor.warmUp(env, warm, Duration.ofMinutes(2));
            if (w.problem(what) != null) {
                problems.add(w.problem(what));
            }
            final AtomicLong sent = new AtomicLong();
            final AtomicReference<Exception> failure = new AtomicReference<>();
            final long[] window = new long[2];
            final Thread sender = new Thread(
                    () -> {
                        final long first = System.nanoTime();
                        final double interval = 1e9 / BACKGROUND_PER_S;
                        for (int i = 0; i < backgroundCount && failure.get() == null; i++) {
                            final long due = first + (long) (i * interval);
                            long now;
                            while ((now = System.nanoTime()) < due) {
                                LockSupport.parkNanos(Math.min(due - now, 200_000));
                            }
                            producer.send(
                                    new ProducerRecord<>(
                                            config.topics().securityEvents(),
                                            i % BenchEnv.PARTITIONS,
                                            null,
                                            background.json(i, System.currentTimeMillis())),
                                    (md, e) -> {
                                        if (e != null) {
                                            failure.compareAndSet(null, e);
                                        }
                                    });
                            sent.incrementAndGet();
                        }
                        // the rate is that of the sends; the final flush is not part of the planned span
                        window[0] = first;
                        window[1] = System.nanoTime();
                        producer.flush();
                    },
                    "bench-background-sender");
            sender.start();
            Thread.sleep(RAMP.toMillis());
            final Map<String, Integer> backgroundResults = new TreeMap<>();
            final TriggerProbe.Outcome o = TriggerProbe.run(
                    rotor,
                    paths,
                    TRIGGERS_PER_S,
                    env.prefix + "-" + tag + "-t",
                    "under load run " + run + "/" + s.runs() + " (" + TRIGGERS_PER_S + " triggers/s + "
                            + BACKGROUND_PER_S + " events/s)",
                    (path, status) -> backgroundResults.merge(status, 1, Integer::sum));
            sender.join();
            final double seconds = (window[1] - window[0]) / 1e9;
            final double rate = sent.get() / Math.max(0.001, seconds);
            details.merge(
                    "background_sent",
                    sent.get() + " in " + String.format(Locale.ROOT, "%.1f", seconds) + " s",
                    (a, b) -> a + "; " + b);
            details.merge("background_achieved_per_s", Math.round(rate), (a, b) -> a + " " + b);
            details.merge("background_results", backgroundResults.toString(), (a, b) -> a + " " + b);
            details.merge("trigger_results_per_s", Math.round(o.resultsPerSecond()), (a, b) -> a + " " + b);
            details.merge("results_missing_after_drain", o.missing(), (a, b) -> (Integer) a + (Integer) b);
            details.merge("not_rotated", o.notRotated(), (a, b) -> (Integer) a + (Integer) b);
            if (failure.get() != null) {
                problems.add(what + ": sending the background failed ("
                        + failure.get().getClass().getSimpleName() + ")");
            } else if (sent.get() < backgroundCount || rate < MIN_BACKGROUND_SHARE * BACKGROUND_PER_S) {
                problems.add(what + ": the background reached " + Math.round(rate) + " events/s ("
                        + sent.get() + " of " + backgroundCount + "), below "
                        + Math.round(MIN_BACKGROUND_SHARE * BACKGROUND_PER_S) + "/s");
            }
            if (o.problem(what) != null) {
                problems.add(o.problem(what));
            }
            o.segments()
                    .forEach((k, v) -> segments.computeIfAbsent(k, x -> new Histogram(3_600_000L, 3))
                            .add(v));
            return o.latency();
        }
    }

    /** A SIEM-like producer for the background: its own connection, small batches, acks=all. */
    private Map<String, Object> backgroundProducer() {
        final Map<String, Object> p = new HashMap<>(EventLoader.bulkProducer(env.bootstrap));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 32L * 1024 * 1024);
        return p;
    }
}
