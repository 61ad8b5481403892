package dev.rotor.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One of the issue's targets, checked against the median of a figure.
 *
 * @param figure  the figure's key
 * @param text    the target as the issue states it
 * @param atMost  true: the figure must be at most {@code limit}; false: at least
 * @param limit   the limit
 */
public record Target(String figure, String text, boolean atMost, double limit) {
    /** The issue's targets (the incident target applies to both incidents). */
    public static final List<Target> ISSUE = List.of(
            new Target("throughput.ratio_c_b", "detection throughput c >= 2 x baseline b (EOS)", false, 2.0),
            new Target("latency.eos.p50", "latency p50 <= 100 ms, exactly-once", true, 100),
            new Target("latency.eos.p99", "latency p99 <= 300 ms, exactly-once", true, 300),
            new Target("latency.alos.p99", "latency p99 <= 50 ms, at-least-once", true, 50),
            new Target("incident.critical.seconds", "incident secrets (10,000) rotated in <= 30 s, 1 critical event", true, 30),
            new Target("incident.manual.seconds", "incident secrets (10,000) rotated in <= 30 s, manual triggers", true, 30),
            new Target("memory.rotor_peak_rss", "peak RSS <= 512 MiB", true, 512));

    /** The figure, when it was measured. */
    public Optional<Figure> of(final List<Figure> figures) {
        final Map<String, Figure> byKey = figures.stream().collect(Collectors.toMap(Figure::key, Function.identity()));
        return Optional.ofNullable(byKey.get(figure));
    }

    public boolean met(final Figure f) {
        return atMost ? f.median() <= limit : f.median() >= limit;
    }

    public String verdict(final Figure f) {
        return String.format(Locale.ROOT, "%s (median %s %s)", met(f) ? "MET" : "NOT MET", Report.num(f.median()),
                f.unit());
    }
}
