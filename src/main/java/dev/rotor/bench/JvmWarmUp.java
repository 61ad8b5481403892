package dev.rotor.bench;

import dev.rotor.config.RotorConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs once, before the first scenario that starts rotor in the bench JVM (latency, latency under load, incident):
 * {@code --warm-up-seconds} (default 20) of manual triggers at {@value #RATE}/s through full rotor with its defaults
 * (exactly_once_v2), then closes it. Not a figure.
 *
 * <p>Why: the throughput scenario runs rotor in child JVMs, so without this the first in-process run measured rotor's
 * code being compiled by the JIT on two saturated cores, and a broker whose transaction coordinator had served no
 * trickle yet: its backlog took the rest of the run to drain (the first of three exactly-once runs gave p50 5,001 ms,
 * the next two 111 and 163 ms). Each scenario still starts its own rotor with a fresh state directory and its own
 * warm-up; this one only makes a single run ({@code --runs 1}) measure what the later runs measure. What the warm-up
 * itself saw is kept in the report (scenario {@code warm-up}), so the cold start is shown, not hidden.
 */
final class JvmWarmUp {
    static final int RATE = 100;

    private JvmWarmUp() {}

    /** Drives the trickle; returns what it saw, for the report. */
    static Map<String, Object> run(final BenchEnv env) throws Exception {
        env.resetRotorApplications();
        final Map<String, String> overrides =
                env.rotorOverrides("jvm-warm-up", RotorUnderTest.freshStateDir(env, "jvm-warm-up"));
        env.vault();
        final RotorConfig config = env.rotorConfig(overrides);
        final int seconds = env.settings.warmUpSeconds();
        final List<String> paths = RotorUnderTest.paths("secret/bench/jvm-warm-up/s", seconds * RATE);
        RotorUnderTest.seed(env, paths);
        final Map<String, Object> seen = new LinkedHashMap<>();
        try (RotorUnderTest rotor = RotorUnderTest.start(env, config)) {
            final TriggerProbe.Outcome o = TriggerProbe.run(
                    rotor,
                    paths,
                    RATE,
                    env.prefix + "-jvm-warm-up-",
                    "warm-up of the bench JVM and the broker (" + RATE + "/s for " + seconds + " s)",
                    (path, status) -> {});
            seen.put("triggers", o.sent());
            seen.put("exactly-once_p50/p99_ms_while_cold", o.p50p99Millis());
            seen.put("results_per_s", Math.round(o.resultsPerSecond()));
            final String problem = o.problem("warm-up");
            seen.put("checks", problem == null ? "passed" : problem);
        }
        return seen;
    }
}
