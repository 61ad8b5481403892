package dev.rotor.bench;

import java.util.Arrays;

/**
 * Baseline (b3)'s memory of one secret for one rule: its recent counted events (event time, weight, a 64-bit
 * fingerprint of the event id), sorted by time. The same idea as rotor's own per-secret window counting, written afresh
 * for the baseline: one small value per secret instead of one store entry per sliding window, so an event costs one
 * read and one write however dense its secret's burst.
 */
final class WeightedEvents {
    private long[] times;
    private long[] weights;
    private long[] fingerprints;
    private int size;

    WeightedEvents(final int capacity) {
        times = new long[Math.max(1, capacity)];
        weights = new long[times.length];
        fingerprints = new long[times.length];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long time(final int i) {
        return times[i];
    }

    long weight(final int i) {
        return weights[i];
    }

    long fingerprint(final int i) {
        return fingerprints[i];
    }

    boolean contains(final long fingerprint) {
        for (int i = 0; i < size; i++) {
            if (fingerprints[i] == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /** Drops the events older than {@code cutoff}; returns whether any was dropped. */
    boolean dropBefore(final long cutoff) {
        int keep = 0;
        while (keep < size && times[keep] < cutoff) {
            keep++;
        }
        if (keep == 0) {
            return false;
        }
        System.arraycopy(times, keep, times, 0, size - keep);
        System.arraycopy(weights, keep, weights, 0, size - keep);
        System.arraycopy(fingerprints, keep, fingerprints, 0, size - keep);
        size -= keep;
        return true;
    }

    /** Adds an event in time order; an event of no weight changes nothing. */
    void add(final long time, final long weight, final long fingerprint) {
        if (weight <= 0) {
            return;
        }
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            weights = Arrays.copyOf(weights, size * 2);
            fingerprints = Arrays.copyOf(fingerprints, size * 2);
        }
        int at = size;
        while (at > 0 && times[at - 1] > time) {
            at--;
        }
        System.arraycopy(times, at, times, at + 1, size - at);
        System.arraycopy(weights, at, weights, at + 1, size - at);
        System.arraycopy(fingerprints, at, fingerprints, at + 1, size - at);
        times[at] = time;
        weights[at] = weight;
        fingerprints[at] = fingerprint;
        size++;
    }

    /**
     * The heaviest window {@code [start, start + window]} (both ends inclusive) that contains {@code time}: such a
     * window can always be slid forward until it starts at an event (or at {@code time}) without losing one, so only
     * those starts are tried, each with a forward-moving end pointer.
     */
    long heaviestWindowContaining(final long time, final long window) {
        long best = 0;
        long sum = 0;
        int end = 0;
        for (int start = 0; start < size; start++) {
            if (times[start] < time - window) {
                continue;
            }
            final long from = Math.min(times[start], time);
            if (end < start) {
                end = start;
                sum = 0;
            }
            while (end < size && times[end] <= from + window) {
                sum = sum + weights[end] < sum ? Long.MAX_VALUE : sum + weights[end];
                end++;
            }
            best = Math.max(best, sum);
            if (from == time) {
                break;
            }
            sum -= weights[start];
        }
        return best;
    }

    void clear() {
        size = 0;
    }
}
