package dev.rotor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotor.config.RotorConfig;
import dev.rotor.devvault.DevVault;
import dev.rotor.service.RotorService;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.ItConfig;
import dev.rotor.testing.TestDirs;
import dev.rotor.vault.VaultRotator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard ({@code ops/grafana/rotor.json}) and the alert rules ({@code ops/prometheus/rotor-alerts.yml}) against
 * a real {@code /metrics} scrape of rotor on a real broker and the dev Vault, after it rotated one secret, failed
 * another and dead-lettered an event: every metric they name exists, with every label their matchers and groupings use.
 * A renamed meter or a typo in a panel fails here rather than as an empty graph or an alert that never fires.
 */
class DashboardsIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void everyMetricAndLabelTheDashboardAndTheAlertRulesUseIsInARealScrape() throws Exception {
        final String scrape = scrapeOfABusyRotor();
        Files.writeString(Path.of("target", "dashboards-it-metrics.txt"), scrape);
        final Map<String, Set<String>> series = OpsFiles.seriesLabels(scrape);

        final Map<String, String> expressions =
                new LinkedHashMap<>(OpsFiles.dashboardExpressions(OpsFiles.dashboard()));
        expressions.putAll(OpsFiles.ruleExpressions(OpsFiles.rules()));
        assertThat(expressions).hasSizeGreaterThan(20);

        final List<String> problems = new ArrayList<>();
        expressions.forEach((where, expr) -> {
            final PromQlReferences.References refs = PromQlReferences.of(expr);
            if (refs.selectors().isEmpty()) {
                problems.add(where + ": names no metric: " + expr);
            }
            final Set<String> available = new HashSet<>(OpsFiles.TARGET_LABELS);
            for (final PromQlReferences.Selector s : refs.selectors()) {
                final Set<String> labels = series.get(s.metric());
                if (labels == null) {
                    problems.add(where + ": metric " + s.metric() + " is not in /metrics");
                    continue;
                }
                available.addAll(labels);
                for (final String label : s.labels()) {
                    if (!labels.contains(label) && !OpsFiles.TARGET_LABELS.contains(label)) {
                        problems.add(where + ": " + s.metric() + " has no label " + label + " (it has " + labels + ")");
                    }
                }
            }
            for (final String label : refs.groupingLabels()) {
                if (!available.contains(label)) {
                    problems.add(where + ": groups by " + label + ", which none of " + refs.metrics() + " has");
                }
            }
        });
        assertThat(problems)
                .as("see target/dashboards-it-metrics.txt for the scrape")
                .isEmpty();
    }

    /** rotor with its endpoints, after a rotation, a failed rotation, a counted failure and a dead-lettered event. */
    private static String scrapeOfABusyRotor() throws Exception {
        try (DevVault vault = DevVault.start()) {
            vault.kvPut("secret", "prod/dashboard", Map.of("password", "seed"));
            final Path state = TestDirs.fresh("it-state", "dash-");
            final RotorConfig config = ItConfig.load(
                    vault.address(),
                    vault.rootToken(),
                    ItConfig.onBroker(KAFKA, state, Map.of("rotor.http.port", "0")));
            ItConfig.createTopics(KAFKA, config, 2);
            final RotorService rotor =
                    RotorService.startWithEndpoints(config, RotorService.Role.ALL, VaultRotator.fromConfig(config));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                await().atMost(WAIT).until(rotor::allRunning);
                for (final String event : List.of(
                        event("leaked_credential", "critical", "secret/prod/dashboard"),
                        event("leaked_credential", "critical", "secret/prod/no-such-secret"), // FAILED: not found
                        event("failed_auth_spike", "medium", "secret/prod/dashboard"),
                        "not json at all")) {
                    producer.send(new ProducerRecord<>(
                                    config.topics().securityEvents(), event.getBytes(StandardCharsets.UTF_8)))
                            .get();
                }
                final String port = Integer.toString(rotor.httpPort());
                await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    final String s = get(port);
                    return s.contains("status=\"ROTATED\"")
                            && s.contains("status=\"FAILED\"")
                            && s.contains("rotor_invalid_events_total{")
                            && s.contains("decision=\"BELOW_THRESHOLD\"")
                            && s.contains("kafka_consumer_fetch_manager_records_lag{")
                            // read from the executor's pending store: 0 once both rotations finished (NaN if
                            // unreadable)
                            && s.contains("\nrotor_pending_rotations 0.0");
                });
                return get(port);
            } finally {
                rotor.close(Duration.ofSeconds(10));
            }
        }
    }

    private static String event(final String type, final String level, final String path) {
        return "{\"event_type\":\"" + type + "\",\"threat_level\":\"" + level + "\",\"description\":\"dashboard test\","
                + "\"affected_resources\":[\"" + path + "\"],\"timestamp\":\"" + Instant.now() + "\"}";
    }

    private static String get(final String port) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
