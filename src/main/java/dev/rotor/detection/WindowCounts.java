package dev.rotor.detection;

import java.util.Arrays;

/**
 * The weighted events of one secret for one rule, sorted by event time: enough to answer exactly "does the weight
 * within any window of length W that contains this event reach the threshold?".
 *
 * <p>Why not the DSL's {@code SlidingWindows}: it materialises every window a record falls into, so one record in a
 * dense burst updates ~20 windows in RocksDB (DESIGN.md §8: ~5.7 k events/s). Here a secret's recent events live in one
 * small value: one store read and one write per event, however dense the burst. The list stays short because (1) events
 * older than the secret's newest counted event time minus grace and W can never share a window with an event that is
 * still on time, and are pruned, and (2) reaching the threshold clears the list (the counts start again after a
 * decision), so it holds fewer than {@code threshold} units of weight per window. Zero-weight events are not stored.
 *
 * <p>Each entry also keeps a 64-bit fingerprint of its event id so a resent event is not counted twice. The bench's
 * per-key baseline (b3) counts with this same class, so it measures rotor's algorithm, not a copy of it.
 */
public final class WindowCounts {
    private long[] times;
    private long[] weights;
    private long[] fingerprints;
    private int size;

    public WindowCounts() {
        this(4);
    }

    public WindowCounts(final int capacity) {
        times = new long[Math.max(1, capacity)];
        weights = new long[times.length];
        fingerprints = new long[times.length];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long time(final int i) {
        return times[i];
    }

    public long weight(final int i) {
        return weights[i];
    }

    public long fingerprint(final int i) {
        return fingerprints[i];
    }

    public boolean containsFingerprint(final long fingerprint) {
        for (int i = 0; i < size; i++) {
            if (fingerprints[i] == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /** Removes events older than {@code cutoff}; returns whether anything was removed. */
    public boolean pruneBefore(final long cutoff) {
        int first = 0;
        while (first < size && times[first] < cutoff) {
            first++;
        }
        if (first == 0) {
            return false;
        }
        System.arraycopy(times, first, times, 0, size - first);
        System.arraycopy(weights, first, weights, 0, size - first);
        System.arraycopy(fingerprints, first, fingerprints, 0, size - first);
        size -= first;
        return true;
    }

    /** Inserts in time order (after existing events with the same time); zero weight is not stored. */
    public void add(final long time, final long weight, final long fingerprint) {
        if (weight <= 0) {
            return;
        }
        if (size == times.length) {
            final int cap = times.length * 2;
            times = Arrays.copyOf(times, cap);
            weights = Arrays.copyOf(weights, cap);
            fingerprints = Arrays.copyOf(fingerprints, cap);
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
     * The largest total weight of any window {@code [s, s + window]} (both ends inclusive) that contains {@code time}.
     * Moving a window's start forward to the next event never loses an event, so the best window starts either at a
     * stored event's time in {@code [time - window, time]} or at {@code time} itself; two pointers over the sorted
     * entries visit all those starts in one pass. Sums saturate at {@link Long#MAX_VALUE}.
     */
    public long maxWindowSumContaining(final long time, final long window) {
        long best = 0;
        long sum = 0;
        int end = 0;
        boolean startedAtTime = false;
        for (int start = 0; start < size && !startedAtTime; start++) {
            long s = times[start];
            if (s < time - window) {
                continue;
            }
            if (s > time) {
                s = time; // the window that starts at the event itself (it may weigh nothing and not be stored)
                startedAtTime = true;
            }
            if (end < start) {
                end = start;
                sum = 0;
            }
            while (end < size && times[end] <= s + window) {
                sum = saturatedAdd(sum, weights[end]);
                end++;
            }
            best = Math.max(best, sum);
            sum -= weights[start];
        }
        return best;
    }

    public void clear() {
        size = 0;
    }

    private static long saturatedAdd(final long a, final long b) {
        final long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
