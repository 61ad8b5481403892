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
import dev.rotor.serde.AvroJson;
import dev.rotor.service.RotorService;
import dev.rotor.streams.DeadLetters;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.ItConfig;
import dev.rotor.testing.TestDirs;
import dev.rotor.vault.RotationOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rotation command the executor cannot read used to vanish (log-and-continue): no result, no alert. On a real broker:
 * it goes to rotation-commands-dlq with its original bytes and a code, a critical notification is written in the same
 * transaction, and the commands after it run.
 */
class UnreadableCommandsIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anUnreadableCommandIsDeadLetteredWithACriticalNotificationAndTheNextCommandRuns() throws Exception {
        final RotorConfig config = config();
        final RotorConfig.TopicNames n = config.topics();
        ItConfig.createTopics(KAFKA, config, 1);
        final RotorService executor = RotorService.start(
                config,
                RotorService.Role.EXECUTOR,
                request ->
                        new RotationOutcome(RotationOutcome.Kind.ROTATED, "kv2", 1L, 2L, null, List.of(), List.of()));
        try {
            await().atMost(WAIT).until(executor::allRunning);
            final byte[] corrupt = "{\"command_id\": 42, \"half a command".getBytes(StandardCharsets.UTF_8);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                producer.send(new ProducerRecord<>(n.rotationCommands(), key("secret/prod/db"), corrupt))
                        .get();
                producer.send(new ProducerRecord<>(
                                n.rotationCommands(), key("secret/prod/db"), AvroJson.toBytes(command("cmd-after"))))
                        .get();
            }

            final List<ConsumerRecord<byte[], byte[]>> results = KAFKA.readRecords(n.rotationResults(), 1, WAIT);
            assertThat(results)
                    .singleElement()
                    .satisfies(
                            r -> assertThat(json(r.value()).path("command_id").asText())
                                    .isEqualTo("cmd-after"));
            final List<ConsumerRecord<byte[], byte[]>> dlq = KAFKA.readRecords(n.rotationCommandsDlq(), 1, WAIT);
            assertThat(dlq).singleElement().satisfies(r -> {
                assertThat(r.value()).isEqualTo(corrupt);
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("secret/prod/db");
                assertThat(new String(
                                r.headers().lastHeader(DeadLetters.CODE_HEADER).value(), StandardCharsets.UTF_8))
                        .isEqualTo("UNREADABLE");
            });
            final List<ConsumerRecord<byte[], byte[]>> critical = KAFKA.readRecords(n.securityCritical(), 1, WAIT);
            assertThat(critical).singleElement().satisfies(r -> {
                final JsonNode notification = json(r.value());
                assertThat(notification.path("priority").asText()).isEqualTo("critical");
                assertThat(notification.path("message").asText())
                        .startsWith("🚨 EMERGENCY ROTATION FAILED 🚨")
                        .contains("Secret: secret/prod/db", "unreadable rotation command");
            });
        } finally {
            executor.close(Duration.ofSeconds(10));
        }
    }

    private static byte[] key(final String path) {
        return path.getBytes(StandardCharsets.UTF_8);
    }

    private static RotorConfig config() throws IOException {
        final Path state = TestDirs.fresh("it-state", "unreadable-");
        return ItConfig.load("http://127.0.0.1:1", "unused", ItConfig.onBroker(KAFKA, state, Map.of()));
    }

    private static RotationCommand command(final String id) {
        return RotationCommand.newBuilder()
                .setCommandId(id)
                .setEventId("evt-" + id)
                .setSecretPath("secret/prod/db")
                .setRule("critical-threat")
                .setThreatLevel(ThreatLevel.critical)
                .setEventType("leaked_credential")
                .setIndicator(Indicator.leaked_credential)
                .setTrigger(Trigger.newBuilder()
                        .setDescription("test")
                        .setSourceIp(null)
                        .setTimestamp(Instant.now())
                        .setMetadata(Map.of())
                        .build())
                .setRequestedAt(Instant.now())
                .build();
    }

    private static JsonNode json(final byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
