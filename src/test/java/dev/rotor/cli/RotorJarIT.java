package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.local.DevVault;
import dev.rotor.testing.EmbeddedKafkaExtension;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The packaged jar, started the way an operator starts it: {@code java -jar target/rotor.jar run}. */
class RotorJarIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
    private static final Path JAR = Path.of("target", "rotor.jar");

    private static ProcessBuilder rotor(final Map<String, String> env, final String... args) {
        final List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("ROTOR_") || k.startsWith("KAFKA_") || k.startsWith("VAULT_"));
        pb.environment().putAll(env);
        return pb;
    }

    @Test
    void anInvalidSettingStopsRotorWithOneLineAndExitCodeTwo() throws Exception {
        final Process p = rotor(Map.of("ROTOR_FAILED_AUTH_THRESHOLD", "ten"), "run").start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err.strip()).isEqualTo(
                "rotor: invalid configuration: rotor.failed-auth.threshold: must be a whole number, got 'ten'");
    }

    @Test
    void runWithoutVaultCredentialsSaysSoAndExitsTwo() throws Exception {
        final Process p = rotor(Map.of("ROTOR_OUTPUT_FORMAT", "json"), "run").start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err).startsWith("rotor: invalid configuration: VAULT_TOKEN: ");
    }

    @Test
    void runDetectsACompromiseAndRotatesTheSecretInVault() throws Exception {
        KAFKA.createTopics(2, "security-events", "rotation-commands", "rotation-results", "security-alerts",
                "security-critical", "rotation-audit", "security-events-dlq");
        final Path state = Files.createDirectories(Path.of("target", "it-state")).resolve("jar-" + System.nanoTime());
        final File log = Path.of("target", "rotor-jar-it.log").toFile();
        final DevVault vault = DevVault.start();
        vault.kvPut("secret", "prod/jar", Map.of("password", "before"));
        final Process p = rotor(Map.of("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers(),
                "KAFKA_STATE_DIR", state.toString(), "ROTOR_OUTPUT_FORMAT", "json",
                "VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken()), "run",
                "--config", "config/application.properties")
                .redirectErrorStream(true).redirectOutput(log).start();
        try {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                final String event = "{\"event_type\":\"leaked_credential\",\"threat_level\":\"critical\","
                        + "\"description\":\"key in a public gist\",\"affected_resources\":[\"secret/prod/jar\"],"
                        + "\"timestamp\":\"" + Instant.now() + "\"}";
                producer.send(new ProducerRecord<>("security-events", event.getBytes(StandardCharsets.UTF_8))).get();
            }

            final List<ConsumerRecord<byte[], byte[]>> commands =
                    KAFKA.readRecords("rotation-commands", 1, Duration.ofSeconds(90));

            assertThat(commands).as(tail(log)).hasSize(1);
            final JsonNode command = new ObjectMapper().readTree(commands.get(0).value());
            assertThat(command.path("secret_path").asText()).isEqualTo("secret/prod/jar");
            assertThat(command.path("rule").asText()).isEqualTo("critical-threat");
            final List<ConsumerRecord<byte[], byte[]>> results =
                    KAFKA.readRecords("rotation-results", 1, Duration.ofSeconds(60));
            assertThat(results).as(tail(log)).hasSize(1);
            assertThat(new ObjectMapper().readTree(results.get(0).value()).path("status").asText()).isEqualTo("ROTATED");
            assertThat(vault.kvRead("secret", "prod/jar").get("password")).isNotEqualTo("before");
        } finally {
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("rotor stops on SIGTERM").isTrue();
            vault.close();
        }
    }

    private static String tail(final File log) throws IOException {
        final List<String> lines = Files.readAllLines(log.toPath());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
