package dev.rotor.bench;

import dev.rotor.config.RotorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Scenario 2: manual triggers at a fixed rate, each naming a distinct KV v2 secret seeded in the dev Vault; per event
 * the time from just before {@code send()} to its result being readable by a read_committed consumer of
 * rotation-results ({@link TriggerProbe}). Full rotor in this JVM ({@link RotorUnderTest}), fresh state directory per
 * run, a warm-up of {@value #WARM_UP} triggers at once and then half of {@code --warm-up-seconds} at the scenario's
 * rate (not measured, its latency reported beside the figures) first. Once with rotor's default exactly_once_v2 and
 * once with {@code kafka.processing.guarantee=at_least_once}. A run whose warm-up did not complete, or whose triggers
 * did not all rotate within the drain, makes its guarantee's figures INVALID.
 */
final class LatencyScenario {
    static final int WARM_UP = 200;
    static final String[] GUARANTEES = {"exactly_once_v2", "at_least_once"};

    private final BenchEnv env;
    private final BenchSettings s;
    /** Per guarantee: every run's histogram merged (microseconds), for the report's distribution. */
    final Map<String, Histogram> merged = new LinkedHashMap<>();

    final Map<String, Object> details = new LinkedHashMap<>();
    /** Where the time goes, per guarantee and segment (see {@link TriggerProbe.Outcome#segments}). */
    final Map<String, Histogram> segments = new LinkedHashMap<>();

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
            final List<String> problems = new ArrayList<>();
            final Histogram all = new Histogram(3_600_000_000L, 3);
            for (int r = 1; r <= s.runs(); r++) {
                final Histogram h = runOnce(g, r, perRun, problems);
                all.add(h);
                values.get("p50").add(h.getValueAtPercentile(50) / 1000.0);
                values.get("p95").add(h.getValueAtPercentile(95) / 1000.0);
                values.get("p99").add(h.getValueAtPercentile(99) / 1000.0);
                values.get("max").add(h.getMaxValue() / 1000.0);
            }
            if (problems.isEmpty()) {
                merged.put(n, all);
            }
            final Map<String, Histogram> mine = new LinkedHashMap<>();
            segments.forEach((k, v) -> {
                if (k.startsWith(n + ".")) {
                    mine.put(k.substring(n.length() + 1), v);
                }
            });
            details.put(n + "_breakdown_p50/p99_ms", TriggerProbe.describeSegments(mine));
            details.put(n + "_checks", problems.isEmpty() ? "passed" : String.join("; ", problems));
            final String label = n.equals("eos") ? "exactly-once" : "at-least-once";
            values.forEach((p, v) -> figures.add(Figure.checked(
                    "latency." + n + "." + p, "latency", label + " " + p + " produce -> result", "ms", v, problems)));
        }
        return figures;
    }

    private Histogram runOnce(final String guarantee, final int run, final int count, final List<String> problems)
            throws Exception {
        final String n = shortName(guarantee);
        env.resetRotorApplications();
        final Map<String, String> overrides =
                env.rotorOverrides("lat-" + n + "-r" + run, RotorUnderTest.freshStateDir(env, "lat-" + n + "-r" + run));
        overrides.put("kafka.processing.guarantee", guarantee);
        env.vault();
        final RotorConfig config = env.rotorConfig(overrides);
        final String root = "secret/bench/lat/" + n + "/r" + run;
        final List<String> paths = RotorUnderTest.paths(root + "/s", count);
        RotorUnderTest.seed(env, paths);
        final List<String> warm = RotorUnderTest.paths(root + "/warm", WARM_UP);
        final List<String> trickle = RotorUnderTest.paths(root + "/trickle", s.latencyRate() * (s.warmUpSeconds() / 2));
        RotorUnderTest.seed(env, trickle);
        try (RotorUnderTest rotor = RotorUnderTest.start(env, config)) {
            final String what = n + " run " + run;
            final RotorUnderTest.WarmUp w = rotor.warmUp(env, warm, Duration.ofMinutes(2));
            if (w.problem(what) != null) {
                problems.add(w.problem(what));
            }
            if (!trickle.isEmpty()) {
                warmUpAtRate(rotor, trickle, n, what, problems);
            }
            final TriggerProbe.Outcome o = TriggerProbe.run(
                    rotor,
                    paths,
                    s.latencyRate(),
                    env.prefix + "-lat-" + n + "-r" + run + "-",
                    "latency " + n + " run " + run + "/" + s.runs() + " (" + s.latencyRate() + "/s)",
                    (path, status) -> {});
            if (o.problem(what) != null) {
                problems.add(o.problem(what));
            }
            o.segments()
                    .forEach((k, v) -> segments.computeIfAbsent(n + "." + k, x -> new Histogram(3_600_000L, 3))
                            .add(v));
            details.merge(n + "_results_missing_after_drain", o.missing(), (a, b) -> (Integer) a + (Integer) b);
            details.merge(n + "_results_per_s", Math.round(o.resultsPerSecond()), (a, b) -> a + " " + b);
            details.merge(n + "_not_rotated", o.notRotated(), (a, b) -> (Integer) a + (Integer) b);
            return o.latency();
        }
    }

    /**
     * Triggers at the scenario's rate, not measured. A freshly started client is slower for its first seconds at this
     * rate, and the backlog it builds takes most of a run to drain: the figures are the steady state, and what this
     * warm-up saw is reported beside them ({@code <guarantee>_paced_warm_up_p50/p99_ms}).
     */
    private void warmUpAtRate(
            final RotorUnderTest rotor,
            final List<String> trickle,
            final String guarantee,
            final String what,
            final List<String> problems)
            throws InterruptedException {
        final TriggerProbe.Outcome paced = TriggerProbe.run(
                rotor,
                trickle,
                s.latencyRate(),
                env.prefix + "-lat-" + what.replace(' ', '-') + "-trickle-",
                "latency " + what + ": paced warm-up, " + trickle.size() / s.latencyRate() + " s",
                (path, status) -> {});
        final String problem = paced.problem(what + " paced warm-up");
        if (problem != null) {
            problems.add(problem);
        }
        details.merge(guarantee + "_paced_warm_up_p50/p99_ms", paced.p50p99Millis(), (a, b) -> a + " " + b);
    }
}
