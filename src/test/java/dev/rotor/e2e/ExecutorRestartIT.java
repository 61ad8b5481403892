package dev.rotor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.avro.Indicator;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.avro.Trigger;
import dev.rotor.config.RotorConfig;
import dev.rotor.devvault.DevVault;
import dev.rotor.serde.AvroJson;
import dev.rotor.service.RotorService;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.ItConfig;
import dev.rotor.testing.TestDirs;
import dev.rotor.vault.RotationOutcome;
import dev.rotor.vault.SecretRotator;
import dev.rotor.vault.VaultRotator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The executor is killed after Vault was written but before its result was committed; the restarted executor recognises
 * its own command in the secret's custom_metadata: one rotation, one result.
 */
class ExecutorRestartIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aRestartBetweenTheVaultWriteAndTheCommitStillRotatesOnce() throws Exception {
        try (DevVault vault = DevVault.start()) {
            vault.kvPut("secret", "prod/restart", Map.of("username", "svc", "password", "before"));
            final RotorConfig config = config(vault);
            final RotorConfig.TopicNames n = config.topics();
            ItConfig.createTopics(KAFKA, config, 2);

            // first executor: rotates in Vault, then "dies" before it can publish and commit the result
            final SecretRotator real = VaultRotator.fromConfig(config);
            final CountDownLatch vaultWritten = new CountDownLatch(1);
            final SecretRotator crashing = request -> {
                final RotationOutcome outcome = real.rotate(request);
                vaultWritten.countDown();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return outcome;
            };
            final RotorService first = RotorService.start(config, RotorService.Role.EXECUTOR, crashing);
            await().atMost(WAIT).until(first::allRunning);
            send(config, command());
            assertThat(vaultWritten.await(60, TimeUnit.SECONDS)).isTrue();
            first.close(Duration.ofSeconds(10));
            assertThat(vault.kvMetadata("secret", "prod/restart").orElseThrow().currentVersion())
                    .isEqualTo(2);
            assertThat(KAFKA.readAllCommitted(n.rotationResults(), WAIT)).isEmpty();

            // second executor: the pending command runs again and is recognised as already applied
            final RotorService second =
                    RotorService.start(config, RotorService.Role.EXECUTOR, VaultRotator.fromConfig(config));
            try {
                await().atMost(WAIT)
                        .until(() -> !KAFKA.readAllCommitted(n.rotationResults(), WAIT)
                                .isEmpty());
                Thread.sleep(500); // a second result, if any, would be committed by now
                final List<JsonNode> results = KAFKA.readAllCommitted(n.rotationResults(), WAIT).stream()
                        .map(r -> json(r.value()))
                        .toList();
                assertThat(results).singleElement().satisfies(r -> {
                    assertThat(r.path("status").asText()).isEqualTo("ROTATED");
                    assertThat(r.path("command_id").asText()).isEqualTo("cmd-restart");
                });
                assertThat(vault.kvMetadata("secret", "prod/restart")
                                .orElseThrow()
                                .currentVersion())
                        .isEqualTo(2);
                assertThat(vault.kvRead("secret", "prod/restart"))
                        .containsEntry("username", "svc")
                        .doesNotContainEntry("password", "before");
            } finally {
                second.close(Duration.ofSeconds(10));
            }
        }
    }

    private static RotorConfig config(final DevVault vault) throws IOException {
        final Path state = TestDirs.fresh("it-state", "restart-");
        return ItConfig.load(vault.address(), vault.rootToken(), ItConfig.onBroker(KAFKA, state, Map.of()));
    }

    private static RotationCommand command() {
        return RotationCommand.newBuilder()
                .setCommandId("cmd-restart")
                .setEventId("evt-restart")
                .setSecretPath("secret/prod/restart")
                .setRule("critical-threat")
                .setThreatLevel(ThreatLevel.critical)
                .setEventType("leaked_credential")
                .setIndicator(Indicator.leaked_credential)
                .setTrigger(Trigger.newBuilder()
                        .setDescription("restart test")
                        .setSourceIp(null)
                        .setTimestamp(Instant.now())
                        .setMetadata(Map.of())
                        .build())
                .setRequestedAt(Instant.now())
                .build();
    }

    private static void send(final RotorConfig config, final RotationCommand command) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            producer.send(new ProducerRecord<>(
                            config.topics().rotationCommands(),
                            command.getSecretPath().getBytes(StandardCharsets.UTF_8),
                            AvroJson.toBytes(command)))
                    .get();
        }
    }

    private static JsonNode json(final byte[] bytes) {
        try {
            return new ObjectMapper().readTree(bytes);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
