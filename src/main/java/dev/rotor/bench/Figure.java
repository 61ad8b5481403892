package dev.rotor.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One measured figure: its value in each run, reported as the median and the spread (min–max) — unless a check of the
 * run's outputs failed (warm-up incomplete, expected commands or results missing), in which case the figure is invalid:
 * the summary shows the reason instead of a number, and no target is judged on it.
 *
 * @param key stable name in results.json, e.g. {@code throughput.rotor_detection}
 * @param scenario throughput, latency, latency-under-load, incident or memory
 * @param label what the summary table shows
 * @param unit events/s, ms, s, MiB, ...
 * @param runs the value of each run (kept for diagnosis even when invalid)
 * @param invalid why the figure cannot be trusted; null when every check passed
 */
public record Figure(String key, String scenario, String label, String unit, List<Double> runs, String invalid) {
    public Figure {
        runs = List.copyOf(runs);
    }

    public Figure(
            final String key, final String scenario, final String label, final String unit, final List<Double> runs) {
        this(key, scenario, label, unit, runs, null);
    }

    /** A figure whose runs are all valid unless {@code problems} names something. */
    public static Figure checked(
            final String key,
            final String scenario,
            final String label,
            final String unit,
            final List<Double> runs,
            final List<String> problems) {
        return new Figure(key, scenario, label, unit, runs, problems.isEmpty() ? null : String.join("; ", problems));
    }

    public boolean valid() {
        return invalid == null;
    }

    public double median() {
        final List<Double> s = sorted();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        final int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public double min() {
        return sorted().isEmpty() ? Double.NaN : sorted().get(0);
    }

    public double max() {
        return sorted().isEmpty() ? Double.NaN : sorted().get(sorted().size() - 1);
    }

    private List<Double> sorted() {
        final List<Double> s = new ArrayList<>(runs);
        s.sort(Double::compare);
        return s;
    }
}
