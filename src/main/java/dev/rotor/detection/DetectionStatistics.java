package dev.rotor.detection;

import dev.rotor.streams.CounterStore;
import dev.rotor.streams.Statistic;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Detection's share of the statistics (DESIGN.md §6), kept in changelogged state stores so they survive restarts
 * ({@link CounterStore}: counted in memory, written to the store at each commit). The counters are the
 * {@link Statistic}s of {@link Statistic.Side#DETECTION}. Each task counts its own partitions; a reader sums the stores
 * of all tasks. Two stores because the counters are updated on both sides of the repartition (a store cannot span
 * sub-topologies).
 */
public final class DetectionStatistics {
    /** Counted where events are decoded. */
    public static final String EVENT_STATISTICS_STORE = "event-statistics";
    /** Counted where the rules decide. */
    public static final String DECISION_STATISTICS_STORE = "decision-statistics";

    private DetectionStatistics() {}

    static StoreBuilder<CounterStore> store(final String name) {
        return CounterStore.builder(name);
    }

    /** Adds every counter of {@code store} into {@code into}. */
    public static Map<String, Long> addTo(
            final Map<String, Long> into, final ReadOnlyKeyValueStore<String, Long> store) {
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(kv -> into.merge(kv.key, kv.value, Long::sum));
        }
        return into;
    }

    /** Detection's counters, zero when never incremented. */
    public static Map<String, Long> empty() {
        final Map<String, Long> m = new LinkedHashMap<>();
        for (final Statistic s : Statistic.values()) {
            if (s.side() == Statistic.Side.DETECTION) {
                m.put(s.key(), 0L);
            }
        }
        return m;
    }
}
