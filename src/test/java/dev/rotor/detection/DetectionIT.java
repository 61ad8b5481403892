package dev.rotor.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.serde.ConfluentAvroSerde;
import dev.rotor.serde.MockSchemaRegistry;
import dev.rotor.streams.DeadLetterHandler;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.TestDirs;
import dev.rotor.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * rotor-detection on a real KRaft broker with exactly_once_v2: JSON and Avro events from a plain KafkaProducer become
 * commands and audit records; a poison record between good ones goes to the DLQ and the good ones are processed.
 */
class DetectionIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final String SCOPE = "detection-it";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static RotorConfig config;
    private static Topics topics;
    private static KafkaStreams streams;

    @BeforeAll
    static void startDetection() throws Exception {
        final Path stateDir = TestDirs.fresh("it-state", "detection-");
        config = ConfigLoader.defaults(
                        Map.of("kafka.schema.registry.url", "mock://" + SCOPE, "rotor.audit.below-threshold", "all"))
                .withKafka(Map.of(
                        "bootstrap.servers",
                        KAFKA.bootstrapServers(),
                        StreamsConfig.STATE_DIR_CONFIG,
                        stateDir.toString()));
        topics = new Topics(config);
        final RotorConfig.TopicNames n = config.topics();
        KAFKA.createTopics(3, n.securityEvents(), n.rotationCommands(), n.rotationAudit(), n.securityEventsDlq());
        final StreamsBuilder builder = new StreamsBuilder();
        DetectionTopology.build(builder, config, topics);
        final Properties props = StreamsSettings.forApplication(config, topics, DetectionTopology.APPLICATION_ID);
        streams = new KafkaStreams(builder.build(props), props);
        streams.start();
        await().atMost(WAIT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }

    @AfterAll
    static void stop() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(10));
        }
        MockSchemaRegistry.drop(SCOPE);
    }

    @Test
    void jsonAndAvroEventsBecomeCommandsAndAPoisonRecordGoesToTheDlq() throws Exception {
        final Instant t = Instant.now().minusSeconds(30);
        final byte[] poison = "{\"event_type\": \"leaked_credential\", ".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            send(
                    producer,
                    "siem-1",
                    Events.event("leaked_credential", "critical")
                            .id("json-1")
                            .at(t)
                            .paths("secret/it/db", "secret/it/api")
                            .bytes());
            send(producer, "siem-1", poison);
            send(
                    producer,
                    "siem-2",
                    avro(SecurityEvent.newBuilder()
                            .setEventId("avro-1")
                            .setEventType("api_key_exposed")
                            .setThreatLevel(ThreatLevel.high)
                            .setDescription("scanner")
                            .setAffectedResources(List.of("secret/it/avro"))
                            .setTimestamp(t)
                            .setMetadata(Map.of())
                            .build()));
            for (int i = 0; i < 10; i++) {
                send(
                        producer,
                        "siem-3",
                        Events.event("failed_auth_spike", "medium")
                                .id("fail-" + i)
                                .at(t.plusSeconds(i))
                                .paths("secret/it/login")
                                .bytes());
            }
            producer.flush();
        }

        final List<ConsumerRecord<byte[], byte[]>> commandRecords =
                KAFKA.readRecords(config.topics().rotationCommands(), 4, WAIT);
        final List<RotationCommand> commands = commandRecords.stream()
                .map(r -> topics.rotationCommands().valueSerde().deserializer().deserialize("c", r.value()))
                .toList();
        assertThat(commands)
                .extracting(RotationCommand::getSecretPath)
                .containsExactlyInAnyOrder("secret/it/db", "secret/it/api", "secret/it/avro", "secret/it/login");
        assertThat(commandRecords)
                .allSatisfy(r ->
                        assertThat(new String(r.key(), StandardCharsets.UTF_8)).startsWith("secret/it/"));
        assertThat(commands)
                .filteredOn(c -> c.getSecretPath().equals("secret/it/login"))
                .singleElement()
                .satisfies(c -> assertThat(c.getRule()).isEqualTo("failed-auth-threshold"));

        final List<ConsumerRecord<byte[], byte[]>> dlq =
                KAFKA.readRecords(config.topics().securityEventsDlq(), 1, WAIT);
        assertThat(dlq).singleElement().satisfies(r -> {
            assertThat(r.value()).isEqualTo(poison);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("siem-1");
            assertThat(new String(
                            r.headers()
                                    .lastHeader(DeadLetterHandler.CODE_HEADER)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo("INVALID_JSON");
        });

        await().atMost(WAIT).untilAsserted(() -> {
            final List<AuditRecord> audits = KAFKA
                    .readAllCommitted(config.topics().rotationAudit(), WAIT)
                    .stream()
                    .map(r -> topics.rotationAudit().valueSerde().deserializer().deserialize("a", r.value()))
                    .toList();
            assertThat(audits)
                    .filteredOn(a -> a.getDecision() == AuditDecision.ROTATE)
                    .hasSize(4);
            assertThat(audits)
                    .filteredOn(a -> a.getDecision() == AuditDecision.BELOW_THRESHOLD)
                    .hasSize(9);
            assertThat(audits)
                    .filteredOn(a -> a.getDecision() == AuditDecision.INVALID)
                    .hasSize(1);
        });
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final String key, final byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(
                        config.topics().securityEvents(), key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    private static byte[] avro(final SecurityEvent event) {
        try (ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class)) {
            serde.configure(Map.of("schema.registry.url", "mock://" + SCOPE), false);
            return serde.serializer().serialize(config.topics().securityEvents(), event);
        }
    }
}
