package dev.rotor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.ops.Statistics.StoreStatus;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;

class StatisticsTest {

    /** A client hosting the given stores with fixed counters; a null map stands for "not queryable now". */
    private static StoreReader client(final Map<String, Map<String, Long>> stores) {
        return store -> {
            if (!stores.containsKey(store)) {
                return Optional.empty();
            }
            final Map<String, Long> counters = stores.get(store);
            if (counters == null) {
                throw new InvalidStateStoreException("rebalancing");
            }
            return Optional.of(counters);
        };
    }

    private static Map<String, Map<String, Long>> stores(final Object... nameThenCounters) {
        final Map<String, Map<String, Long>> m = new HashMap<>();
        for (int i = 0; i < nameThenCounters.length; i += 2) {
            @SuppressWarnings("unchecked") // the helper's callers pass (name, counters) pairs
            final Map<String, Long> counters = (Map<String, Long>) nameThenCounters[i + 1];
            m.put((String) nameThenCounters[i], counters);
        }
        return m;
    }

    private static final StoreReader DETECTION = client(stores(
            "event-statistics", Map.of("total_events", 40L, "invalid_events", 3L),
            "decision-statistics",
                    Map.of("emergency_rotations", 7L, "suppressed", 2L, "late_events", 1L, "duplicates", 4L)));
    private static final StoreReader EXECUTOR = client(stores(
            "executor-statistics",
            Map.of(
                    "successful_rotations",
                    2L,
                    "failed_rotations",
                    1L,
                    "notifications_sent",
                    3L,
                    "duplicates",
                    5L,
                    "already_mitigated",
                    1L,
                    "dry_runs",
                    0L)));

    @Test
    void combinesDetectionAndExecutorStores() {
        final Statistics.Snapshot s =
                new Statistics(Map.of("rotor-detection", DETECTION, "rotor-executor", EXECUTOR)).snapshot();

        assertThat(s.counters())
                .containsAllEntriesOf(Map.of(
                        "total_events",
                        40L,
                        "emergency_rotations",
                        7L,
                        "successful_rotations",
                        2L,
                        "failed_rotations",
                        1L,
                        "notifications_sent",
                        3L,
                        "suppressed",
                        2L,
                        "invalid_events",
                        3L,
                        "late_events",
                        1L,
                        "already_mitigated",
                        1L,
                        "dry_runs",
                        0L));
        assertThat(s.get("duplicates"))
                .as("detection's duplicate events + executor's DUPLICATE results")
                .isEqualTo(9);
        assertThat(s.successRate())
                .as("2 of 3 finished rotations, 0 to 1 as the original, four decimals")
                .isEqualTo(0.6667);
        assertThat(s.complete()).isTrue();
        assertThat(s.stores())
                .containsExactly(
                        Map.entry("event-statistics", StoreStatus.OK),
                        Map.entry("decision-statistics", StoreStatus.OK),
                        Map.entry("executor-statistics", StoreStatus.OK));
    }

    @Test
    void countersOfSeveralClientsAndTasksAreSummed() {
        final StoreReader other = client(stores("event-statistics", Map.of("total_events", 2L)));
        final Statistics.Snapshot s = new Statistics(Map.of("a", DETECTION, "b", other)).snapshot();
        assertThat(s.get("total_events")).isEqualTo(42);
    }

    @Test
    void successRateIsZeroWhenNoRotationFinished() {
        final StoreReader executor = client(
                stores("executor-statistics", Map.of("already_mitigated", 3L, "duplicates", 1L, "dry_runs", 2L)));
        final Statistics.Snapshot s = new Statistics(Map.of("rotor-executor", executor)).snapshot();
        assertThat(s.successRate()).isZero();
        assertThat(Statistics.Snapshot.of(Map.of(), Map.of("successful_rotations", 5L), Map.of())
                        .successRate())
                .isEqualTo(1.0);
        assertThat(Statistics.Snapshot.of(Map.of(), Map.of("failed_rotations", 5L), Map.of())
                        .successRate())
                .isZero();
    }

    @Test
    void detectionRoleReportsExecutorStoreAsNotHostedAndStaysComplete() {
        final Statistics.Snapshot s = new Statistics(Map.of("rotor-detection", DETECTION)).snapshot();
        assertThat(s.stores()).containsEntry("executor-statistics", StoreStatus.NOT_HOSTED);
        assertThat(s.get("successful_rotations")).isZero();
        assertThat(s.get("duplicates")).isEqualTo(4);
        assertThat(s.complete()).isTrue();
    }

    @Test
    void storeNotQueryableWhileRebalancingIsLeftOutAndMarksTheSnapshotIncomplete() {
        final Map<String, Map<String, Long>> rebalancing = stores("executor-statistics", null);
        final Statistics.Snapshot s =
                new Statistics(Map.of("rotor-detection", DETECTION, "rotor-executor", client(rebalancing))).snapshot();

        assertThat(s.complete()).isFalse();
        assertThat(s.stores())
                .containsEntry("executor-statistics", StoreStatus.UNAVAILABLE)
                .containsEntry("event-statistics", StoreStatus.OK);
        assertThat(s.get("total_events"))
                .as("what could be read is still reported")
                .isEqualTo(40);
        assertThat(s.get("successful_rotations")).isZero();
    }

    @Test
    void aReaderFailingAnyOtherWayCountsAsUnavailable() {
        final StoreReader broken = store -> {
            throw new IllegalStateException("KafkaStreams is not running. State is PENDING_SHUTDOWN.");
        };
        final Statistics.Snapshot s = new Statistics(Map.of("x", broken)).snapshot();
        assertThat(s.complete()).isFalse();
        assertThat(s.stores().values()).containsOnly(StoreStatus.UNAVAILABLE);
    }

    @Test
    void noClientsGiveZerosAndNothingHosted() {
        final Statistics.Snapshot s = new Statistics(Map.of()).snapshot();
        assertThat(s.counters().values()).containsOnly(0L);
        assertThat(s.stores().values()).containsOnly(StoreStatus.NOT_HOSTED);
        assertThat(s.complete()).isTrue();
    }

    @Test
    void jsonListsEveryStatisticInDesignOrderThenCompletenessAndStores() {
        final Map<String, Object> json =
                new Statistics(Map.of("rotor-detection", DETECTION, "rotor-executor", EXECUTOR)).asJson();

        assertThat(List.copyOf(json.keySet()))
                .containsExactly(
                        "total_events",
                        "emergency_rotations",
                        "successful_rotations",
                        "failed_rotations",
                        "notifications_sent",
                        "success_rate",
                        "suppressed",
                        "duplicates",
                        "invalid_events",
                        "late_events",
                        "already_mitigated",
                        "dry_runs",
                        "held",
                        "unmapped_events",
                        "not_relevant_events",
                        "complete",
                        "stores");
        assertThat(json)
                .containsEntry("success_rate", 0.6667)
                .containsEntry("complete", true)
                .containsEntry("total_events", 40L);
        final Map<String, String> expectedStores = new LinkedHashMap<>();
        expectedStores.put("event-statistics", "ok");
        expectedStores.put("decision-statistics", "ok");
        expectedStores.put("executor-statistics", "ok");
        assertThat(json.get("stores")).isEqualTo(expectedStores);
    }
}
