package dev.rotor.detection;

import dev.rotor.streams.CounterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Detection's share of the statistics (DESIGN.md §6), kept in changelogged state stores so they survive restarts
 * ({@link CounterStore}: counted in memory, written to the store at each commit).
 * Each task counts its own partitions; a reader sums the stores of all tasks. Two stores because the counters are
 * updated on both sides of the repartition (a store cannot span sub-topologies).
 */
public final class DetectionStatistics {
    /** Counted where events are decoded. */
    public static final String EVENT_STATISTICS_STORE = "event-statistics";
    /** Counted where the rules decide. */
    public static final String DECISION_STATISTICS_STORE = "decision-statistics";

    public static final String TOTAL_EVENTS = "total_events";
    public static final String INVALID_EVENTS = "invalid_events";
    public static final String EMERGENCY_ROTATIONS = "emergency_rotations";
    public static final String SUPPRESSED = "suppressed";
    public static final String LATE_EVENTS = "late_events";
    public static final String DUPLICATES = "duplicates";
    /** Adapted events whose principal maps to no secret (audited UNMAPPED). */
    public static final String UNMAPPED_EVENTS = "unmapped_events";
    /** Adapted records that are no security event (audited NOT_RELEVANT, or only counted). */
    public static final String NOT_RELEVANT_EVENTS = "not_relevant_events";

    private DetectionStatistics() {
    }

    static StoreBuilder<CounterStore> store(final String name) {
        return CounterStore.builder(name);
    }

    static void increment(final KeyValueStore<String, Long> store, final String counter, final long by) {
        CounterStore.increment(store, counter, by);
    }

    /** Adds every counter of {@code store} into {@code into}. */
    public static Map<String, Long> addTo(final Map<String, Long> into, final ReadOnlyKeyValueStore<String, Long> store) {
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(kv -> into.merge(kv.key, kv.value, Long::sum));
        }
        return into;
    }

    /** All counters, zero when never incremented. */
    public static Map<String, Long> empty() {
        final Map<String, Long> m = new LinkedHashMap<>();
        for (final String k : new String[] {TOTAL_EVENTS, EMERGENCY_ROTATIONS, SUPPRESSED, DUPLICATES,
                INVALID_EVENTS, LATE_EVENTS, UNMAPPED_EVENTS, NOT_RELEVANT_EVENTS}) {
            m.put(k, 0L);
        }
        return m;
    }
}
