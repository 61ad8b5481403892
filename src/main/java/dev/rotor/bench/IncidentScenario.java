package dev.rotor.bench;

import dev.rotor.config.RotorConfig;
import dev.rotor.devvault.KvMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 3: an incident. (i) One critical {@code leaked_credential} event naming K secrets; (ii) separately, K manual
 * triggers sent at once. Each: the time from the first send until all K results are readable (read_committed) on
 * rotation-results, rotations per second, and — through the dev Vault — that every secret changed exactly once (it was
 * seeded at version 1 and is now at version 2) with exactly one ROTATED result. Full rotor in this JVM with its
 * defaults (exactly_once_v2), fresh state directory per run, warmed up first. An incomplete warm-up or results missing
 * at the timeout make the incident's time INVALID (it would be a lower bound); "every secret changed exactly once" is
 * part of the incident's verdict ({@link Target}).
 */
final class IncidentScenario {
    private final BenchEnv env;
    private final BenchSettings s;
    final Map<String, Object> details = new LinkedHashMap<>();

    /** The outcome of one incident. */
    record Outcome(double seconds, int results, int rotatedOnce) {}

    IncidentScenario(final BenchEnv env) {
        this.env = env;
        this.s = env.settings;
    }

    List<Figure> run() throws Exception {
        final int k = s.incidentSecrets();
        final Map<String, List<Double>> v = new LinkedHashMap<>();
        for (final String key : List.of(
                "critical.seconds",
                "critical.rotations_per_s",
                "critical.changed_once",
                "manual.seconds",
                "manual.rotations_per_s",
                "manual.changed_once")) {
            v.put(key, new ArrayList<>());
        }
        boolean allVerified = true;
        final List<String> criticalProblems = new ArrayList<>();
        final List<String> manualProblems = new ArrayList<>();
        for (int run = 1; run <= s.runs(); run++) {
            final int r = run;
            env.resetRotorApplications();
            final Map<String, String> overrides =
                    env.rotorOverrides("inc-r" + r, RotorUnderTest.freshStateDir(env, "inc-r" + r));
            env.vault();
            final RotorConfig config = env.rotorConfig(overrides);
            final List<String> critical = RotorUnderTest.paths("secret/bench/inc/r" + r + "/crit/s", k);
            final List<String> manual = RotorUnderTest.paths("secret/bench/inc/r" + r + "/man/s", k);
            RotorUnderTest.seed(env, critical);
            RotorUnderTest.seed(env, manual);
            final List<String> warm = RotorUnderTest.paths("secret/bench/inc/r" + r + "/warm", LatencyScenario.WARM_UP);
            try (RotorUnderTest rotor = RotorUnderTest.start(env, config)) {
                final RotorUnderTest.WarmUp w = rotor.warmUp(env, warm, Duration.ofMinutes(2));
                if (w.problem("run " + r) != null) {
                    criticalProblems.add(w.problem("run " + r));
                    manualProblems.add(w.problem("run " + r));
                }
                final Outcome c = incident(
                        rotor,
                        "critical event naming " + k + " secrets, run " + r,
                        critical,
                        () -> rotor.send(RotorUnderTest.event(
                                env.prefix + "-inc-crit-r" + r, "leaked_credential", "critical", critical)));
                final Outcome m = incident(rotor, k + " manual triggers, run " + r, manual, () -> {
                    for (int i = 0; i < manual.size(); i++) {
                        rotor.send(RotorUnderTest.event(
                                env.prefix + "-inc-man-r" + r + "-" + i,
                                "manual_trigger",
                                "low",
                                List.of(manual.get(i))));
                    }
                });
                v.get("critical.seconds").add(c.seconds());
                v.get("critical.rotations_per_s").add(c.results() / c.seconds());
                v.get("critical.changed_once").add((double) c.rotatedOnce());
                v.get("manual.seconds").add(m.seconds());
                v.get("manual.rotations_per_s").add(m.results() / m.seconds());
                v.get("manual.changed_once").add((double) m.rotatedOnce());
                if (c.results() < k) {
                    criticalProblems.add("run " + r + ": " + (k - c.results()) + " of " + k
                            + " results missing at the timeout (the time is a lower bound)");
                }
                if (m.results() < k) {
                    manualProblems.add("run " + r + ": " + (k - m.results()) + " of " + k
                            + " results missing at the timeout (the time is a lower bound)");
                }
                allVerified &= c.rotatedOnce() == k && m.rotatedOnce() == k && c.results() == k && m.results() == k;
            }
        }
        details.put("secrets", k);
        details.put("every_secret_changed_exactly_once", allVerified);
        final List<Figure> figures = new ArrayList<>();
        figures.add(Figure.checked(
                "incident.critical.seconds",
                "incident",
                "1 critical event x " + k + " secrets: all results",
                "s",
                v.get("critical.seconds"),
                criticalProblems));
        figures.add(Figure.checked(
                "incident.critical.rotations_per_s",
                "incident",
                "1 critical event: rotations/s",
                "rotations/s",
                v.get("critical.rotations_per_s"),
                criticalProblems));
        figures.add(new Figure(
                "incident.critical.changed_once",
                "incident",
                "1 critical event: secrets at v2," + " one ROTATED result",
                "secrets",
                v.get("critical.changed_once")));
        figures.add(Figure.checked(
                "incident.manual.seconds",
                "incident",
                k + " manual triggers: all results",
                "s",
                v.get("manual.seconds"),
                manualProblems));
        figures.add(Figure.checked(
                "incident.manual.rotations_per_s",
                "incident",
                "manual triggers: rotations/s",
                "rotations/s",
                v.get("manual.rotations_per_s"),
                manualProblems));
        figures.add(new Figure(
                "incident.manual.changed_once",
                "incident",
                "manual triggers: secrets at v2," + " one ROTATED result",
                "secrets",
                v.get("manual.changed_once")));
        return figures;
    }

    private Outcome incident(
            final RotorUnderTest rotor, final String label, final List<String> paths, final Runnable send) {
        final Map<String, Integer> results = new HashMap<>(paths.size() * 2);
        final Map<String, Integer> rotated = new HashMap<>(paths.size() * 2);
        for (final String p : paths) {
            results.put(p, 0);
        }
        final AtomicLong distinct = new AtomicLong();
        final long timeout =
                Duration.ofSeconds(Math.max(180, paths.size() / 20)).toNanos();
        final long start = System.nanoTime();
        long end = 0;
        try (Progress ignored = Progress.start("incident: " + label, paths.size(), distinct::get)) {
            send.run();
            rotor.flush();
            while (distinct.get() < paths.size() && System.nanoTime() - start < timeout) {
                rotor.pollResults(Duration.ofMillis(50), (path, status, result, at) -> {
                    final Integer n = results.get(path);
                    if (n == null) {
                        return;
                    }
                    if (n == 0) {
                        distinct.incrementAndGet();
                    }
                    results.put(path, n + 1);
                    if (status.equals("ROTATED")) {
                        rotated.merge(path, 1, Integer::sum);
                    }
                });
            }
            end = System.nanoTime();
        }
        // a duplicate result would arrive soon after the first: read a little longer before verifying
        final long drainUntil = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() < drainUntil) {
            rotor.pollResults(Duration.ofMillis(50), (path, status, result, at) -> {
                if (results.containsKey(path)) {
                    results.merge(path, 1, Integer::sum);
                    if (status.equals("ROTATED")) {
                        rotated.merge(path, 1, Integer::sum);
                    }
                }
            });
        }
        int once = 0;
        for (final String p : paths) {
            final Optional<KvMetadata> md = env.vault().kvMetadata("secret", p.substring("secret/".length()));
            if (md.isPresent()
                    && md.get().currentVersion() == 2
                    && results.get(p) == 1
                    && rotated.getOrDefault(p, 0) == 1) {
                once++;
            }
        }
        return new Outcome((end - start) / 1e9, (int) distinct.get(), once);
    }
}
