package dev.rotor.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * One of the bench's performance goals (docs/benchmark.md, "Goals"), judged on the median of a figure.
 *
 * <p>A verdict is never kinder than the data: an invalid figure (a failed check of its outputs) is INVALID, not MET; a
 * goal stated for other parameters than the run's (the 1,000,000-event mix, 100 triggers/s, 10,000 secrets, 40 s) is
 * NOT JUDGED, with the measured median beside it; and a target with a requirement (every secret changed exactly once)
 * is MET only when the requirement held in every run.
 *
 * @param figure the figure's key
 * @param text the goal as the issue states it
 * @param atMost true: the median must be at most {@code limit}; false: at least
 * @param limit the limit
 * @param notJudged for a run's settings: why the goal does not apply to it, or empty when it does
 * @param requirement a second figure that must equal an expected value in every run, or null
 */
public record Target(
        String figure,
        String text,
        boolean atMost,
        double limit,
        Function<BenchSettings, Optional<String>> notJudged,
        Requirement requirement) {
    /**
     * A condition besides the limit: every run of {@code figure} equals {@code expected(settings)}.
     *
     * @param figure the figure's key
     * @param text what it means, e.g. "every secret changed exactly once"
     * @param expected the value each run must have
     */
    public record Requirement(String figure, String text, ToLongFunction<BenchSettings> expected) {}

    /** The outcome for one run of the bench. */
    public enum Status {
        MET,
        NOT_MET,
        NOT_JUDGED,
        INVALID,
        NOT_MEASURED
    }

    /** A status and the line the summary prints for it. */
    public record Verdict(Status status, String text) {}

    private static final int FULL_MIX = 1_000_000;
    private static final int LATENCY_RATE = 100;
    private static final int INCIDENT_SECRETS = 10_000;

    /** The performance goals rotor is measured against. */
    public static final List<Target> ISSUE = List.of(
            new Target(
                    "throughput.rotor_detection",
                    "detection throughput c >= 40,000 events/s on the 1M mix",
                    false,
                    40_000,
                    s -> s.events() == FULL_MIX
                            ? Optional.empty()
                            : Optional.of("the goal is on the 1,000,000-event mix; this run had " + fmt(s.events())),
                    null),
            new Target(
                    "throughput.ratio_c_a",
                    "c / raw consumer a >= 0.04 on the 1M mix",
                    false,
                    0.04,
                    s -> s.events() == FULL_MIX
                            ? Optional.empty()
                            : Optional.of("the goal is on the 1,000,000-event mix; this run had " + fmt(s.events())),
                    null),
            new Target(
                    "throughput.ratio_c_b3",
                    "c / per-key baseline b3 >= 0.75 (rotor's overhead)",
                    false,
                    0.75,
                    s -> Optional.empty(),
                    null),
            new Target(
                    "latency.eos.p50",
                    "trigger -> result p50 <= 100 ms at 100 triggers/s, exactly-once",
                    true,
                    100,
                    Target::atGoalRate,
                    null),
            new Target(
                    "latency.eos.p99",
                    "trigger -> result p99 <= 500 ms at 100 triggers/s, exactly-once",
                    true,
                    500,
                    Target::atGoalRate,
                    null),
            new Target(
                    "latency.alos.p99",
                    "trigger -> result p99 <= 150 ms at 100 triggers/s, at-least-once",
                    true,
                    150,
                    Target::atGoalRate,
                    null),
            new Target(
                    "latency_under_load.p50",
                    "under load (1,000 events/s + 10 triggers/s, EOS): p50 <= 100 ms",
                    true,
                    100,
                    Target::fortySeconds,
                    null),
            new Target(
                    "latency_under_load.p99",
                    "under load (1,000 events/s + 10 triggers/s, EOS): p99 <= 300 ms",
                    true,
                    300,
                    Target::fortySeconds,
                    null),
            new Target(
                    "incident.critical.seconds",
                    "incident, 1 event x 10,000 secrets: <= 5 s, each changed once",
                    true,
                    5,
                    Target::tenThousandSecrets,
                    new Requirement(
                            "incident.critical.changed_once",
                            "every secret changed exactly once",
                            BenchSettings::incidentSecrets)),
            new Target(
                    "incident.manual.seconds",
                    "incident, 10,000 triggers: <= 5 s, each changed once",
                    true,
                    5,
                    Target::tenThousandSecrets,
                    new Requirement(
                            "incident.manual.changed_once",
                            "every secret changed exactly once",
                            BenchSettings::incidentSecrets)),
            new Target(
                    "memory.rotor_peak_rss", "detection peak RSS <= 512 MiB", true, 512, s -> Optional.empty(), null));

    /** The figure, when it was measured. */
    public Optional<Figure> of(final List<Figure> figures) {
        return find(figures, figure);
    }

    private static Optional<Figure> find(final List<Figure> figures, final String key) {
        return figures.stream().filter(f -> f.key().equals(key)).findFirst();
    }

    /** Whether the median is within the limit (ignoring validity, applicability and requirement). */
    public boolean withinLimit(final Figure f) {
        return atMost ? f.median() <= limit : f.median() >= limit;
    }

    /** The verdict on this run's figures. */
    public Verdict verdict(final List<Figure> figures, final BenchSettings settings) {
        final Optional<Figure> measured = of(figures);
        if (measured.isEmpty()) {
            return new Verdict(Status.NOT_MEASURED, "not measured in this run");
        }
        final Figure f = measured.get();
        final String median = "median " + Report.num(f.median()) + " " + f.unit();
        if (!f.valid()) {
            return new Verdict(Status.INVALID, "INVALID (" + f.invalid() + ")");
        }
        String also = "";
        boolean requirementHeld = true;
        if (requirement != null) {
            final Optional<Figure> r = find(figures, requirement.figure());
            final long expected = requirement.expected().applyAsLong(settings);
            if (r.isEmpty() || !r.get().valid()) {
                return new Verdict(
                        Status.INVALID,
                        "INVALID (" + requirement.text() + ": "
                                + r.map(Figure::invalid).orElse("not checked") + ")");
            }
            final List<Double> runs = r.get().runs();
            final StringBuilder failed = new StringBuilder();
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i) != expected) {
                    failed.append(failed.length() == 0 ? "" : ", ")
                            .append("run ")
                            .append(i + 1)
                            .append(": ")
                            .append(fmt(runs.get(i).longValue()))
                            .append(" of ")
                            .append(fmt(expected));
                }
            }
            requirementHeld = failed.length() == 0;
            also = requirementHeld ? "; " + requirement.text() : "; NOT " + requirement.text() + " (" + failed + ")";
        }
        if (!requirementHeld) {
            // a correctness failure fails the goal at any size
            return new Verdict(Status.NOT_MET, "NOT MET (" + median + also + ")");
        }
        final Optional<String> why = notJudged.apply(settings);
        if (why.isPresent()) {
            return new Verdict(Status.NOT_JUDGED, "NOT JUDGED (" + median + also + "; " + why.get() + ")");
        }
        final boolean met = withinLimit(f);
        return new Verdict(met ? Status.MET : Status.NOT_MET, (met ? "MET" : "NOT MET") + " (" + median + also + ")");
    }

    private static Optional<String> atGoalRate(final BenchSettings s) {
        return s.latencyRate() == LATENCY_RATE
                ? Optional.empty()
                : Optional.of(
                        "the goal is at " + LATENCY_RATE + " triggers/s; this run sent " + s.latencyRate() + "/s");
    }

    private static Optional<String> fortySeconds(final BenchSettings s) {
        return s.latencySeconds() >= 40
                ? Optional.empty()
                : Optional.of("the goal is for 40 s of load; this run lasted " + s.latencySeconds() + " s");
    }

    private static Optional<String> tenThousandSecrets(final BenchSettings s) {
        return s.incidentSecrets() == INCIDENT_SECRETS
                ? Optional.empty()
                : Optional.of("the goal is for 10,000 secrets; this run had " + fmt(s.incidentSecrets()));
    }

    private static String fmt(final long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
