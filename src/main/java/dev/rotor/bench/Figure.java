package dev.rotor.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One measured figure: its value in each run, reported as the median and the spread (min–max).
 *
 * @param key      stable name in results.json, e.g. {@code throughput.rotor_detection}
 * @param scenario throughput, latency, incident or memory
 * @param label    what the summary table shows
 * @param unit     events/s, ms, s, MiB, ...
 * @param runs     the value of each run
 */
public record Figure(String key, String scenario, String label, String unit, List<Double> runs) {
    public Figure {
        runs = List.copyOf(runs);
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
