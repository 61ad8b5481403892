package dev.rotor.ops;

import dev.rotor.detection.DetectionStatistics;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.rotation.ExecutorStatistics;
import dev.rotor.rotation.RotationTopology;
import dev.rotor.streams.Statistic;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DESIGN.md §6's statistics, read from rotor's counter stores through interactive queries.
 *
 * <ol>
 *   <li><b>Sources.</b> Detection counts in {@value DetectionStatistics#EVENT_STATISTICS_STORE} and
 *       {@value DetectionStatistics#DECISION_STATISTICS_STORE} (client {@value DetectionTopology#APPLICATION_ID}), the
 *       executor in {@value ExecutorStatistics#STORE} (client {@value RotationTopology#APPLICATION_ID}). A store exists
 *       only in the client that runs it, so with {@code --role detection} the executor's numbers are 0 and its store is
 *       reported {@code not_hosted} (and the other way round).
 *   <li><b>Arithmetic.</b> Each counter is the sum over every store and every local active task that has it, except
 *       {@code duplicates} = detection's duplicate events + the executor's DUPLICATE results (the two stores use the
 *       same key name for different things). {@code success_rate} = successful_rotations / (successful_rotations +
 *       failed_rotations), a fraction from 0 to 1 as in the original implementation, rounded to four decimals, and 0
 *       when no rotation has finished (ALREADY_MITIGATED, DUPLICATE and DRY_RUN results are in neither term;
 *       docs/decisions.md says why the denominator is not emergency_rotations).
 *   <li><b>Rebalancing.</b> A store that cannot be queried now (client not started, rebalancing, restoring, shutting
 *       down) is left out: what could be read is reported, with {@code "complete": false} and the store marked
 *       {@code unavailable} under {@code "stores"}.
 *   <li><b>Scope.</b> The numbers of this instance's active tasks. With several instances each reports its share; sum
 *       them (the {@code rotor_stats_*} gauges sum in Prometheus). Counters are kept in changelogged state, so they
 *       survive restarts.
 *   <li><b>Threads.</b> {@link #snapshot()} may be called from any thread.
 * </ol>
 */
public final class Statistics {
    private static final Logger LOG = LoggerFactory.getLogger(Statistics.class);

    public static final String SUCCESS_RATE = "success_rate";
    public static final String COMPLETE = "complete";
    public static final String STORES = "stores";

    /** The whole-number statistics, in the order {@code /stats} lists them (success_rate comes after these). */
    public static final List<String> COUNTERS = Statistic.keys();

    public static final List<String> DETECTION_STORES =
            List.of(DetectionStatistics.EVENT_STATISTICS_STORE, DetectionStatistics.DECISION_STATISTICS_STORE);
    public static final List<String> EXECUTOR_STORES = List.of(ExecutorStatistics.STORE);

    /** What reading a store gave. */
    public enum StoreStatus {
        /** Read on every client that hosts it. */
        OK,
        /** Hosted (or possibly hosted) but not queryable now: its share is missing. */
        UNAVAILABLE,
        /** No client of this instance has it (role detection or executor only). */
        NOT_HOSTED;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<String, StoreReader> readers;

    /** @param readersByClient one reader per Kafka Streams client, by application id */
    public Statistics(final Map<String, StoreReader> readersByClient) {
        this.readers = Map.copyOf(Objects.requireNonNull(readersByClient, "readersByClient"));
    }

    /**
     * Statistics of rotor's clients (application id → client, as {@code RotorService.clients()}): the detection client
     * (its id ends in {@code rotor-detection}, whatever {@code rotor.application-id-prefix} precedes it) is asked for
     * the detection stores only and the executor ({@code ...rotor-executor}) for its store only; a client with another
     * application id is asked for all three.
     */
    public static Statistics forClients(final Map<String, KafkaStreams> clients) {
        final Map<String, StoreReader> readers = new LinkedHashMap<>();
        clients.forEach((id, streams) -> readers.put(id, StoreReader.of(streams, hostedBy(id))));
        return new Statistics(readers);
    }

    private static Set<String> hostedBy(final String applicationId) {
        if (applicationId.endsWith(DetectionTopology.APPLICATION_ID)) {
            return Set.copyOf(DETECTION_STORES);
        }
        if (applicationId.endsWith(RotationTopology.APPLICATION_ID)) {
            return Set.copyOf(EXECUTOR_STORES);
        }
        return null;
    }

    /** Reads every store now. */
    public Snapshot snapshot() {
        final Map<String, StoreStatus> stores = new LinkedHashMap<>();
        final Map<String, Long> detection = new LinkedHashMap<>();
        final Map<String, Long> executor = new LinkedHashMap<>();
        for (final String store : DETECTION_STORES) {
            stores.put(store, read(store, detection));
        }
        for (final String store : EXECUTOR_STORES) {
            stores.put(store, read(store, executor));
        }
        return Snapshot.of(detection, executor, stores);
    }

    /** {@link #snapshot()} as {@code /stats} shows it. */
    public Map<String, Object> asJson() {
        return snapshot().toJson();
    }

    private StoreStatus read(final String store, final Map<String, Long> into) {
        boolean hosted = false;
        boolean unavailable = false;
        for (final Map.Entry<String, StoreReader> client : readers.entrySet()) {
            try {
                final Optional<Map<String, Long>> counters = client.getValue().read(store);
                if (counters.isPresent()) {
                    hosted = true;
                    counters.get().forEach((k, v) -> into.merge(k, v, Long::sum));
                }
            } catch (final RuntimeException e) {
                // InvalidStateStoreException and friends while rebalancing; no value of a store is in the message
                unavailable = true;
                LOG.debug(
                        "{}: store {} not queryable now ({})",
                        client.getKey(),
                        store,
                        e.getClass().getSimpleName());
            }
        }
        return unavailable ? StoreStatus.UNAVAILABLE : hosted ? StoreStatus.OK : StoreStatus.NOT_HOSTED;
    }

    /**
     * One reading.
     *
     * @param counters every statistic of {@link #COUNTERS}, combined as described on {@link Statistics}
     * @param stores what reading each store gave, by store name
     */
    public record Snapshot(Map<String, Long> counters, Map<String, StoreStatus> stores) {
        public Snapshot {
            counters = Map.copyOf(counters);
            stores = Collections.unmodifiableMap(new LinkedHashMap<>(stores));
        }

        /** Combines detection's and the executor's raw counters (each already summed over stores and tasks). */
        public static Snapshot of(
                final Map<String, Long> detection,
                final Map<String, Long> executor,
                final Map<String, StoreStatus> stores) {
            final Map<String, Long> c = new LinkedHashMap<>();
            for (final Statistic s : Statistic.values()) {
                final Map<String, Long> side = s.side() == Statistic.Side.DETECTION ? detection : executor;
                // both kinds of duplicate land on one key; every other key belongs to one side only
                c.merge(s.key(), side.getOrDefault(s.key(), 0L), Long::sum);
            }
            return new Snapshot(c, stores);
        }

        /** A statistic of {@link #COUNTERS}; 0 for any other name. */
        public long get(final String statistic) {
            return counters.getOrDefault(statistic, 0L);
        }

        /** {@code statistic}'s value (for a duplicate kind: both kinds, as /stats shows them). */
        public long get(final Statistic statistic) {
            return get(statistic.key());
        }

        /**
         * successful / (successful + failed), from 0 to 1 (the original's scale), four decimals; 0 when no rotation has
         * finished.
         */
        public double successRate() {
            final long ok = get(Statistic.SUCCESSFUL_ROTATIONS);
            final long finished = ok + get(Statistic.FAILED_ROTATIONS);
            return finished == 0 ? 0.0 : Math.round(ok * 10_000.0 / finished) / 10_000.0;
        }

        /** True when no store was unavailable. */
        public boolean complete() {
            return !stores.containsValue(StoreStatus.UNAVAILABLE);
        }

        /**
         * The JSON object {@code /stats} returns: every statistic of {@link #COUNTERS} with {@code success_rate} after
         * {@code notifications_sent}, then {@code complete} and {@code stores} (store name → ok | unavailable |
         * not_hosted).
         */
        public Map<String, Object> toJson() {
            final Map<String, Object> json = new LinkedHashMap<>();
            for (final String name : COUNTERS) {
                json.put(name, get(name));
                if (name.equals(Statistic.NOTIFICATIONS_SENT.key())) {
                    json.put(SUCCESS_RATE, successRate());
                }
            }
            json.put(COMPLETE, complete());
            final Map<String, String> s = new LinkedHashMap<>();
            stores.forEach((k, v) -> s.put(k, v.json()));
            json.put(STORES, s);
            return json;
        }
    }
}
