package dev.rotor.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shape of the dashboard and the alert rules (DashboardsIT checks their metrics against a real scrape), and the
 * PromQL reading that check relies on.
 */
class DashboardFilesTest {
    @Test
    void theAlertRulesCoverWhatMustWakeSomeoneAndSayWhatToDo() throws Exception {
        final JsonNode rules = OpsFiles.rules();
        final List<String> alerts = new ArrayList<>();
        rules.path("groups")
                .forEach(g -> g.path("rules").forEach(r -> {
                    alerts.add(r.path("alert").asText());
                    assertThat(r.path("expr").asText()).as(r.toString()).isNotBlank();
                    assertThat(r.path("labels").path("severity").asText())
                            .as(r.path("alert").asText())
                            .isIn("critical", "warning");
                    assertThat(r.path("annotations").path("summary").asText()).isNotBlank();
                    assertThat(r.path("annotations").path("description").asText())
                            .isNotBlank();
                }));

        assertThat(alerts)
                .contains(
                        "RotorRotationFailed",
                        "RotorRecordStuck",
                        "RotorPartitionNotAdvancing",
                        "RotorDeadLetterSpike",
                        "RotorVaultAuthFailing",
                        "RotorSchemaRegistryUnavailable");
        assertThat(OpsFiles.ruleExpressions(rules).get("alert RotorVaultAuthFailing"))
                .contains("rotor_alarm{alarm=\"vault_auth\"}");
    }

    @Test
    void theDashboardShowsEveryAreaAndEveryPanelQueriesPrometheus() throws Exception {
        final JsonNode dashboard = OpsFiles.dashboard();
        final String all =
                String.join("\n", OpsFiles.dashboardExpressions(dashboard).values());

        assertThat(dashboard.path("uid").asText()).isEqualTo("rotor-overview");
        for (final String metric : List.of(
                "rotor_decisions_total",
                "rotor_commands_total",
                "rotor_results_total",
                "rotor_pending_rotations",
                "rotor_detection_to_result_seconds_bucket",
                "rotor_invalid_events_total",
                "kafka_consumer_fetch_manager_records_lag",
                "rotor_alarm",
                "rotor_records_awaiting_registry",
                "rotor_stream_thread_replacements_total")) {
            assertThat(all).as(metric).contains(metric);
        }
        dashboard.path("panels").forEach(p -> {
            if (!"row".equals(p.path("type").asText())) {
                assertThat(p.path("targets")).as(p.path("title").asText()).isNotEmpty();
                assertThat(p.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        });
    }

    @Test
    void promQlReferencesFindMetricsLabelsAndGroupingsButNotFunctions() {
        final PromQlReferences.References r = PromQlReferences.of("histogram_quantile(0.99, sum by (le, strategy) "
                + "(rate(rotor_vault_call_seconds_bucket{job=~\"$job\", outcome!=\"ok\"}[$__rate_interval])))"
                + " > 2 and on (job) max(rotor_alarm offset 5m) or vector(1e3)");

        assertThat(r.metrics()).containsExactly("rotor_vault_call_seconds_bucket", "rotor_alarm");
        assertThat(r.selectors().get(0).labels()).containsExactlyInAnyOrder("job", "outcome");
        assertThat(r.groupingLabels()).containsExactlyInAnyOrder("le", "strategy", "job");
    }

    @Test
    void promQlReferencesReadGrafanasLabelValuesQueries() {
        final PromQlReferences.References r =
                PromQlReferences.of("label_values(rotor_streams_running{job=~\"$job\"}, instance)");

        assertThat(r.metrics()).containsExactly("rotor_streams_running");
        assertThat(r.selectors().get(0).labels()).isEqualTo(Set.of("job"));
        assertThat(r.groupingLabels()).containsExactly("instance");
    }

    @Test
    void aScrapeIsReadAsSeriesWithTheirLabelNames() {
        final String scrape = """
                              # HELP x
                              # TYPE rotor_results_total counter
                              rotor_results_total{status="FAILED",strategy="kv2"} 1.0
                              rotor_pending_rotations 0.0
                              rotor_alarm{alarm="a,b=\\"c\\""} NaN
                              """;

        assertThat(OpsFiles.seriesLabels(scrape))
                .containsEntry("rotor_results_total", Set.of("status", "strategy"))
                .containsEntry("rotor_pending_rotations", Set.of())
                .containsEntry("rotor_alarm", Set.of("alarm"));
    }
}
