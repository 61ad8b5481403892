package dev.rotor.rotation;

import dev.rotor.streams.CounterStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The executor's share of the statistics (DESIGN.md §6), in a changelogged store so they survive restarts
 * ({@link CounterStore}); its counters are the {@link dev.rotor.streams.Statistic}s of the executor's side.
 */
public final class ExecutorStatistics {
    public static final String STORE = "executor-statistics";

    private ExecutorStatistics() {}

    static StoreBuilder<CounterStore> store() {
        return CounterStore.builder(STORE);
    }
}
