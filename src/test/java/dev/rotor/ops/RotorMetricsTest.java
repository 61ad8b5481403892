package dev.rotor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.config.RotationTargets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RotorMetricsTest {

    private static double count(final MeterRegistry registry, final String name, final String... tags) {
        final Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void decisionsAreCountedByDecisionAndKnownEventType() {
        try (RotorMetrics metrics = RotorMetrics.forTests()) {
            metrics.decision("ROTATE", "api_key_exposed");
            metrics.decision("rotate", "API_KEY_EXPOSED");
            metrics.decision("BELOW_THRESHOLD", "failed_auth_spike");

            final MeterRegistry r = metrics.registry();
            assertThat(count(r, RotorMetrics.DECISIONS, "decision", "ROTATE", "event_type", "api_key_exposed"))
                    .isEqualTo(2);
            assertThat(count(
                            r,
                            RotorMetrics.DECISIONS,
                            "decision",
                            "BELOW_THRESHOLD",
                            "event_type",
                            "failed_auth_spike"))
                    .isEqualTo(1);
        }
    }

    @Test
    void failedAndIncompleteResultsExistAtZeroBeforeTheFirstSoAnAlertSeesIt() {
        // Prometheus' increase() cannot count the first increment of a series that appears with it
        try (RotorMetrics metrics = RotorMetrics.forTests()) {
            final MeterRegistry r = metrics.registry();
            for (final String strategy : RotationTargets.STRATEGIES) {
                for (final String status : new String[] {"FAILED", "ROTATED_INCOMPLETE"}) {
                    final Counter c = r.find(RotorMetrics.RESULTS)
                            .tags("status", status, "strategy", strategy)
                            .counter();
                    assertThat(c).as(status + " " + strategy).isNotNull();
                    assertThat(c.count()).isZero();
                }
            }

            metrics.result("FAILED", "kv2");

            assertThat(count(r, RotorMetrics.RESULTS, "status", "FAILED", "strategy", "kv2"))
                    .isEqualTo(1);
        }
    }

    @Test
    void unknownLabelValuesCollapseToOther() {
        try (RotorMetrics metrics = RotorMetrics.forTests()) {
            metrics.decision("MADE_UP", "some-siem-specific-type-42");
            metrics.decision("ROTATE", null);
            metrics.result("EXPLODED", "my-own-strategy");
            metrics.result("ROTATED", "");
            metrics.invalidEvent("NOT_A_CODE");
            metrics.invalidEvent("invalid_json");

            final MeterRegistry r = metrics.registry();
            assertThat(count(r, RotorMetrics.DECISIONS, "decision", "other", "event_type", "other"))
                    .isEqualTo(1);
            assertThat(count(r, RotorMetrics.DECISIONS, "decision", "ROTATE", "event_type", "other"))
                    .isEqualTo(1);
            assertThat(count(r, RotorMetrics.RESULTS, "status", "other", "strategy", "other"))
                    .isEqualTo(1);
            assertThat(count(r, RotorMetrics.RESULTS, "status", "ROTATED", "strategy", "none"))
                    .isEqualTo(1);
            assertThat(count(r, RotorMetrics.INVALID_EVENTS, "code", "other")).isEqualTo(1);
            assertThat(count(r, RotorMetrics.INVALID_EVENTS, "code", "INVALID_JSON"))
                    .isEqualTo(1);
        }
    }

    @Test
    void freeFormRuleValuesAreSanitisedAndBounded() {
        try (RotorMetrics metrics = RotorMetrics.forTests()) {
            metrics.command("failed-auth-threshold");
            metrics.command("Weird Rule/with spaces");
            IntStream.range(0, 100).forEach(i -> metrics.command("rule-" + i));

            final MeterRegistry r = metrics.registry();
            assertThat(count(r, RotorMetrics.COMMANDS, "rule", "failed-auth-threshold"))
                    .isEqualTo(1);
            assertThat(count(r, RotorMetrics.COMMANDS, "rule", "weird_rule_with_spaces"))
                    .isEqualTo(1);
            assertThat(r.find(RotorMetrics.COMMANDS).counters()).hasSize(RotorMetrics.MAX_FREE_VALUES + 1);
            assertThat(count(r, RotorMetrics.COMMANDS, "rule", "other")).isEqualTo(102 - RotorMetrics.MAX_FREE_VALUES);
        }
    }

    @Test
    void timersRecordVaultCallsAndDetectionToResult() {
        try (RotorMetrics metrics = RotorMetrics.forTests()) {
            metrics.vaultCall("kv2", "ok", Duration.ofMillis(30));
            metrics.vaultCall("kv2", "ok", Duration.ofMillis(10));
            metrics.vaultCall("transit", "timeout", Duration.ofSeconds(5));
            metrics.detectionToResult(Duration.ofMillis(400));
            metrics.detectionToResult(Duration.ofMillis(-5));
            metrics.lateEvent();

            final MeterRegistry r = metrics.registry();
            final Timer kv2 = r.find(RotorMetrics.VAULT_CALL)
                    .tags("strategy", "kv2", "outcome", "ok")
                    .timer();
            assertThat(kv2.count()).isEqualTo(2);
            assertThat(kv2.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
            assertThat(r.find(RotorMetrics.VAULT_CALL)
                            .tags("strategy", "transit", "outcome", "timeout")
                            .timer()
                            .count())
                    .isEqualTo(1);
            final Timer e2e = r.find(RotorMetrics.DETECTION_TO_RESULT).timer();
            assertThat(e2e.count()).isEqualTo(2);
            assertThat(e2e.max(TimeUnit.MILLISECONDS)).isEqualTo(400);
            assertThat(r.find(RotorMetrics.LATE_EVENTS).counter().count()).isEqualTo(1);
        }
    }

    @Test
    void prometheusTextHasRotorsMeterNamesAndTheLatencyHistogram() {
        try (RotorMetrics metrics = RotorMetrics.create()) {
            metrics.decision("ROTATE", "leaked_credential");
            metrics.command("high-threat-indicator");
            metrics.result("ROTATED", "kv2");
            metrics.vaultCall("kv2", "ok", Duration.ofMillis(12));
            metrics.detectionToResult(Duration.ofMillis(300));
            metrics.invalidEvent("INVALID_JSON");

            final String text = metrics.scrape();
            assertThat(text)
                    .contains("rotor_decisions_total{decision=\"ROTATE\",event_type=\"leaked_credential\"} 1")
                    .contains("rotor_commands_total{rule=\"high-threat-indicator\"} 1")
                    .contains("rotor_results_total{status=\"ROTATED\",strategy=\"kv2\"} 1")
                    .contains("rotor_vault_call_seconds_count{outcome=\"ok\",strategy=\"kv2\"} 1")
                    .contains("rotor_vault_call_seconds_bucket{outcome=\"ok\",strategy=\"kv2\",le=\"0.025\"} 1")
                    .contains("rotor_detection_to_result_seconds_bucket{le=\"0.05\"} 0")
                    .contains("rotor_detection_to_result_seconds_bucket{le=\"0.5\"} 1")
                    .contains("rotor_detection_to_result_seconds_bucket{le=\"5.0\"} 1")
                    .contains("rotor_late_events_total 0")
                    .contains("rotor_invalid_events_total{code=\"INVALID_JSON\"} 1")
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_gc_")
                    .contains("jvm_threads_live_threads")
                    .contains("system_cpu_count")
                    .contains("process_uptime_seconds");
        }
    }

    @Test
    void statisticsBecomeGaugesReadOncePerScrape() {
        final AtomicLong reads = new AtomicLong();
        final StoreReader executor = store -> {
            if (!store.equals("executor-statistics")) {
                return Optional.empty();
            }
            reads.incrementAndGet();
            return Optional.of(Map.of("successful_rotations", 3L, "failed_rotations", 1L));
        };
        try (RotorMetrics metrics = RotorMetrics.create()) {
            metrics.bindStatistics(new Statistics(Map.of("rotor-executor", executor)), Duration.ofMinutes(1));
            final String text = metrics.scrape();
            assertThat(text)
                    .contains("rotor_stats_successful_rotations 3.0")
                    .contains("rotor_stats_failed_rotations 1.0")
                    .contains("rotor_stats_total_events 0.0")
                    .contains("rotor_stats_success_rate 0.75")
                    .contains("rotor_stats_complete 1.0");
            assertThat(reads).as("one snapshot serves every gauge").hasValue(1);
            assertThatThrownBy(() -> metrics.bindStatistics(new Statistics(Map.of())))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void testInstanceWorksWithoutPrometheusAndClosesTwice() {
        final RotorMetrics metrics = RotorMetrics.forTests();
        assertThat(metrics.canScrape()).isFalse();
        assertThatThrownBy(metrics::scrape).isInstanceOf(UnsupportedOperationException.class);
        assertThat(metrics.registry().find("jvm.memory.used").gauge())
                .as("no JVM binders in tests")
                .isNull();
        metrics.close();
        metrics.close();
    }

    @Test
    void recordingIsThreadSafe() throws Exception {
        try (RotorMetrics metrics = RotorMetrics.forTests()) {
            final Thread[] threads = new Thread[8];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 1000; i++) {
                        metrics.decision("ROTATE", "manual_trigger");
                        metrics.command("rule-" + (i % 50));
                    }
                });
                threads[t].start();
            }
            for (final Thread thread : threads) {
                thread.join();
            }
            assertThat(count(
                            metrics.registry(),
                            RotorMetrics.DECISIONS,
                            "decision",
                            "ROTATE",
                            "event_type",
                            "manual_trigger"))
                    .isEqualTo(8000);
            assertThat(metrics.registry().find(RotorMetrics.COMMANDS).counters().stream()
                            .mapToDouble(Counter::count)
                            .sum())
                    .isEqualTo(8000);
            assertThat(metrics.registry().find(RotorMetrics.COMMANDS).counters())
                    .hasSize(RotorMetrics.MAX_FREE_VALUES + 1);
        }
    }
}
