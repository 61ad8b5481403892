package dev.rotor.rotation;

import dev.rotor.streams.CounterStore;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/** The executor's share of the statistics (DESIGN.md §6), in a changelogged store so they survive restarts ({@link CounterStore}). */
public final class ExecutorStatistics {
    public static final String STORE = "executor-statistics";

    public static final String SUCCESSFUL_ROTATIONS = "successful_rotations";
    public static final String FAILED_ROTATIONS = "failed_rotations";
    public static final String NOTIFICATIONS_SENT = "notifications_sent";
    public static final String DUPLICATES = "duplicates";
    public static final String ALREADY_MITIGATED = "already_mitigated";
    public static final String DRY_RUNS = "dry_runs";
    /** Commands the storm breaker held (each also ends later: approved and run, released, or expired). */
    public static final String HELD = "held";

    private ExecutorStatistics() {
    }

    static StoreBuilder<CounterStore> store() {
        return CounterStore.builder(STORE);
    }

    static void increment(final KeyValueStore<String, Long> store, final String counter) {
        CounterStore.increment(store, counter, 1);
    }
}
