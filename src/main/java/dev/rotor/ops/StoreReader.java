package dev.rotor.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads one counter store ({@code String → Long}) of one Kafka Streams client. {@link Statistics} uses one per client;
 * tests give it fakes.
 */
@FunctionalInterface
public interface StoreReader {

    /**
     * The counters of store {@code storeName}, summed over this client's local active tasks.
     *
     * @return empty when this client does not host the store at all
     * @throws InvalidStateStoreException when it does (or may) host it but cannot be queried now: not started yet,
     *     rebalancing, restoring, shutting down
     */
    Optional<Map<String, Long>> read(String storeName);

    /**
     * Interactive queries on {@code streams}: {@code store(fromNameAndType(name, keyValueStore()))}, which spans every
     * local active task (not standbys, so nothing is counted twice), summed per key.
     *
     * @param hostedStores the stores this client's topology has, or null to find out by asking (a client that is not
     *     RUNNING or REBALANCING cannot say, so then every store counts as unavailable)
     */
    static StoreReader of(final KafkaStreams streams, final Set<String> hostedStores) {
        return storeName -> {
            if (hostedStores != null && !hostedStores.contains(storeName)) {
                return Optional.empty();
            }
            final ReadOnlyKeyValueStore<String, Long> store;
            try {
                store = streams.store(StoreQueryParameters.fromNameAndType(
                        storeName, QueryableStoreTypes.<String, Long>keyValueStore()));
            } catch (final UnknownStateStoreException e) {
                return Optional.empty();
            } catch (final IllegalStateException e) {
                // KafkaStreams.store throws it in PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR and ERROR
                throw new InvalidStateStoreException("client is " + streams.state(), e);
            }
            final Map<String, Long> sums = new LinkedHashMap<>();
            try (KeyValueIterator<String, Long> it = store.all()) {
                it.forEachRemaining(kv -> {
                    if (kv.key != null && kv.value != null) {
                        sums.merge(kv.key, kv.value, Long::sum);
                    }
                });
            }
            return Optional.of(sums);
        };
    }

    /** {@link #of(KafkaStreams, Set)} finding out by asking which stores the client has. */
    static StoreReader of(final KafkaStreams streams) {
        return of(streams, null);
    }
}
