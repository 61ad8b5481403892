package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.devvault.DevVault;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.FreePorts;
import dev.rotor.testing.TestDirs;
import java.io.File;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged jar, started the way an operator starts it ({@code java -jar target/rotor.jar run}) against a real
 * broker and the dev Vault: readiness, a rotation, metrics and statistics, a clean stop on SIGTERM, and a restart that
 * continues from the committed state.
 */
class RotorJarIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Path JAR = Path.of("target", "rotor.jar");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Process rotor(final Map<String, String> env, final File log, final String... args)
            throws IOException {
        final List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("ROTOR_") || k.startsWith("KAFKA_") || k.startsWith("VAULT_"));
        pb.environment().putAll(env);
        return pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                .start();
    }

    private static HttpResponse<String> get(final int port, final String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void runRotatesServesItsEndpointsStopsCleanlyAndContinuesAfterARestart() throws Exception {
        KAFKA.createTopics(
                2,
                "security-events",
                "rotation-commands",
                "rotation-results",
                "security-alerts",
                "security-critical",
                "rotation-audit",
                "security-events-dlq",
                "rotation-commands-dlq");
        final Path state = TestDirs.fresh("it-state", "jar-");
        final File log = Path.of("target", "rotor-jar-it.log").toFile();
        Files.deleteIfExists(log.toPath());
        final Path fullLog = Path.of("target", "rotor-jar-it-full.log");
        Files.deleteIfExists(fullLog);
        final int port = FreePorts.one();
        try (DevVault vault = DevVault.start()) {
            vault.kvPut("secret", "prod/jar", Map.of("password", "before"));
            final Map<String, String> env = Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    KAFKA.bootstrapServers(),
                    "KAFKA_STATE_DIR",
                    state.toString(),
                    "ROTOR_OUTPUT_FORMAT",
                    "json",
                    "ROTOR_HTTP_PORT",
                    Integer.toString(port),
                    "VAULT_ADDR",
                    vault.address(),
                    "VAULT_TOKEN",
                    vault.rootToken());

            final Process first = rotor(
                    env, log, "run", "--config", "config/application.properties", "--log-file", fullLog.toString());
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                final HttpResponse<String> r = get(port, "/health/ready");
                return r != null && r.statusCode() == 200;
            });
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                final String event = "{\"event_id\":\"jar-1\",\"event_type\":\"leaked_credential\","
                        + "\"threat_level\":\"critical\",\"description\":\"key in a public gist\","
                        + "\"affected_resources\":[\"secret/prod/jar\"],\"timestamp\":\"" + Instant.now() + "\"}";
                producer.send(new ProducerRecord<>("security-events", event.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            final List<ConsumerRecord<byte[], byte[]>> results =
                    KAFKA.readRecords("rotation-results", 1, Duration.ofSeconds(60));
            assertThat(results).as(tail(log)).hasSize(1);
            assertThat(JSON.readTree(results.get(0).value()).path("status").asText())
                    .isEqualTo("ROTATED");
            assertThat(vault.kvRead("secret", "prod/jar").get("password")).isNotEqualTo("before");
            assertThat(vault.kvMetadata("secret", "prod/jar").orElseThrow().currentVersion())
                    .isEqualTo(2);

            // the console shows a person the decision and the rotation; the full log went to --log-file
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(Files.readString(log.toPath()))
                            .contains(
                                    "rotor started (all)",
                                    "  decision  secret/prod/jar",
                                    "  rotation  secret/prod/jar"));
            assertThat(Files.readString(log.toPath()).lines()).noneMatch(l -> l.contains(" INFO "));
            assertThat(Files.readString(fullLog)).contains("rotor-detection: REBALANCING -> RUNNING");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                final JsonNode stats = JSON.readTree(get(port, "/stats").body());
                assertThat(stats.path("total_events").asLong()).isEqualTo(1);
                assertThat(stats.path("emergency_rotations").asLong()).isEqualTo(1);
                assertThat(stats.path("successful_rotations").asLong()).isEqualTo(1);
                assertThat(stats.path("notifications_sent").asLong()).isEqualTo(1);
                assertThat(stats.path("success_rate").asDouble()).isEqualTo(1.0);
            });
            final String metrics = get(port, "/metrics").body();
            assertThat(metrics)
                    .contains(
                            "rotor_decisions_total",
                            "rotor_results_total{",
                            "rotor_commands_total",
                            "rotor_detection_to_result_seconds_bucket",
                            "kafka_stream_");

            first.destroy(); // SIGTERM
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).as(tail(log)).isZero();

            // the restart continues from the committed offsets and state: nothing is rotated again
            // --verbose: the full log on standard output, as before the console for people
            final Process second = rotor(env, log, "run", "--config", "config/application.properties", "--verbose");
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    final HttpResponse<String> r = get(port, "/health/ready");
                    return r != null && r.statusCode() == 200;
                });
                Thread.sleep(2000);
                assertThat(KAFKA.readAllCommitted("rotation-results", Duration.ofSeconds(30)))
                        .hasSize(1);
                assertThat(vault.kvMetadata("secret", "prod/jar").orElseThrow().currentVersion())
                        .isEqualTo(2);
                final JsonNode stats = JSON.readTree(get(port, "/stats").body());
                assertThat(stats.path("total_events").asLong())
                        .as("statistics survive the restart")
                        .isEqualTo(1);
                assertThat(stats.path("successful_rotations").asLong()).isEqualTo(1);
                assertThat(Files.readString(log.toPath())).contains("INFO  [", "Sub-topology");
            } finally {
                second.destroy();
                assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    private static String tail(final File log) throws IOException {
        final List<String> lines = Files.readAllLines(log.toPath());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
