package dev.rotor.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What baseline (b3) did besides its throughput, counted in memory (it keeps no statistics store): the bench prints
 * them beside rotor's, so a reader can see both did the same work.
 */
final class PerKeyCounters {
    final AtomicLong ignored = new AtomicLong();
    final AtomicLong commands = new AtomicLong();
    final AtomicLong suppressed = new AtomicLong();
    final AtomicLong late = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();

    Map<String, Long> snapshot() {
        final Map<String, Long> m = new LinkedHashMap<>();
        m.put("ignored_or_unreadable", ignored.get());
        m.put("emergency_rotations", commands.get());
        m.put("suppressed", suppressed.get());
        m.put("late_events", late.get());
        m.put("duplicates", duplicates.get());
        return m;
    }
}
