package dev.rotor.ops;

import dev.rotor.rotation.RotationTopology;
import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * How many rotation commands this instance's executor has accepted and not finished: the commands queued per secret in
 * its {@value RotationTopology#PENDING_STORE} store (the head of each queue is in flight), read through interactive
 * queries.
 *
 * <ol>
 *   <li><b>Scope.</b> This instance's active tasks; sum over instances in Prometheus.
 *   <li><b>Unknown is NaN.</b> While the store cannot be queried (starting, rebalancing, restoring) the value is NaN,
 *       so an alert comparing it is neither true nor false for that time.
 *   <li><b>Cost.</b> One pass over the store per reading, at most once per {@code maxAge}: the store holds only
 *       unfinished work, a handful of entries except during an incident.
 * </ol>
 */
final class PendingRotations implements DoubleSupplier {
    private final KafkaStreams executor;
    private final long maxAgeNanos;
    private double value = Double.NaN;
    private long readAt;
    private boolean read;

    PendingRotations(final KafkaStreams executor, final Duration maxAge) {
        this.executor = executor;
        this.maxAgeNanos = maxAge.toNanos();
    }

    @Override
    public synchronized double getAsDouble() {
        final long now = System.nanoTime();
        if (!read || now - readAt > maxAgeNanos) {
            value = count();
            readAt = now;
            read = true;
        }
        return value;
    }

    private double count() {
        try {
            final ReadOnlyKeyValueStore<String, List<?>> store = executor.store(StoreQueryParameters.fromNameAndType(
                    RotationTopology.PENDING_STORE, QueryableStoreTypes.<String, List<?>>keyValueStore()));
            long pending = 0;
            try (KeyValueIterator<String, List<?>> it = store.all()) {
                while (it.hasNext()) {
                    final List<?> queue = it.next().value;
                    pending += queue == null ? 0 : queue.size();
                }
            }
            return pending;
        } catch (final RuntimeException e) {
            // InvalidStateStoreException while rebalancing, IllegalStateException when not running
            return Double.NaN;
        }
    }
}
