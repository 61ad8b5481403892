package dev.rotor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.avro.RotationCommand;
import dev.rotor.config.RotorConfig;
import dev.rotor.devvault.DevVault;
import dev.rotor.service.RotorService;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.ItConfig;
import dev.rotor.testing.TestDirs;
import dev.rotor.topics.Topics;
import dev.rotor.vault.VaultRotator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The single client ({@code --role all} with {@code rotor.single-client=true}) on a real broker, with fewer partitions
 * on security-events than on rotation-commands: each secret is rotated once by the task that decided it, the
 * repartition follows rotation-commands' count, the commands' copies are marked and never run again, commands from
 * other producers still run, and a slow Vault does not hold detection up.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SingleClientIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SECRETS = 12;

    private static DevVault vault;
    private static RotorConfig config;
    private static RotorService rotor;
    private static KafkaProducer<byte[], byte[]> producer;
    private static KafkaConsumer<byte[], byte[]> consumer;
    private static final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vault = DevVault.start();
        for (int i = 0; i < SECRETS + 3; i++) {
            vault.kvPut("secret", "single/s" + i, Map.of("password", "seed-" + i));
        }
        final Path state = TestDirs.fresh("it-state", "single-");
        config = ItConfig.load(
                vault.address(),
                vault.rootToken(),
                ItConfig.onBroker(KAFKA, state, Map.of("rotor.single-client", "true")));
        final RotorConfig.TopicNames n = config.topics();
        KAFKA.createTopics(2, n.securityEvents());
        KAFKA.createTopics(5, n.rotationCommands());
        KAFKA.createTopics(
                3,
                n.rotationResults(),
                n.securityAlerts(),
                n.securityCritical(),
                n.rotationAudit(),
                n.securityEventsDlq(),
                n.rotationCommandsDlq());
        rotor = RotorService.start(config, RotorService.Role.ALL, VaultRotator.fromConfig(config));
        await().atMost(WAIT).until(rotor::allRunning);
        producer = new KafkaProducer<>(KAFKA.producerProps());
        final Map<String, Object> props = KAFKA.consumerProps("single-client-it");
        props.put("isolation.level", "read_committed");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(n.rotationResults(), n.rotationCommands(), n.rotationAudit()));
    }

    @AfterAll
    static void stop() {
        if (consumer != null) {
            consumer.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (rotor != null) {
            rotor.close(Duration.ofSeconds(10));
        }
        if (vault != null) {
            vault.close();
        }
    }

    @Test
    @Order(1)
    void everyTriggerIsRotatedOnceByTheTaskThatDecidedIt() throws Exception {
        assertThat(rotor.clients()).containsOnlyKeys("rotor");
        for (int i = 0; i < SECRETS; i++) {
            trigger("single-" + i, "secret/single/s" + i);
        }
        await().atMost(WAIT).until(() -> results().size() >= SECRETS);
        poll(Duration.ofSeconds(2)); // anything that would come twice comes now

        assertThat(results())
                .hasSize(SECRETS)
                .allSatisfy(r -> assertThat(r.path("status").asText()).isEqualTo("ROTATED"));
        for (int i = 0; i < SECRETS; i++) {
            assertThat(vault.kvMetadata("secret", "single/s" + i).orElseThrow().currentVersion())
                    .as("secret/single/s%d changed once", i)
                    .isEqualTo(2);
        }
        // every command is on rotation-commands, marked as handed over, and none ran a second time
        final List<ConsumerRecord<byte[], byte[]>> commands =
                records(config.topics().rotationCommands());
        assertThat(commands).hasSize(SECRETS).allSatisfy(c -> {
            final Header by = c.headers().lastHeader(Topics.HANDED_OVER_HEADER);
            assertThat(by).isNotNull();
            assertThat(new String(by.value(), StandardCharsets.UTF_8)).isEqualTo("rotor");
        });
        // the rules and the executor share the partitioning: the repartition has rotation-commands' 5 partitions
        final Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin a = Admin.create(admin)) {
            final String repartition = "rotor-events-by-secret-path-repartition";
            assertThat(a.describeTopics(List.of(repartition))
                            .allTopicNames()
                            .get()
                            .get(repartition)
                            .partitions())
                    .hasSize(5);
        }
    }

    @Test
    @Order(2)
    void aCommandFromAnotherProducerStillRuns() throws Exception {
        // a command as rotor retry or another producer writes it: no mark, a new id
        final Topics topics = new Topics(config);
        final String name = config.topics().rotationCommands();
        final RotationCommand copy = topics.rotationCommands()
                .valueSerde()
                .deserializer()
                .deserialize(name, records(name).get(0).value());
        final String path = "secret/single/s" + SECRETS;
        final RotationCommand external = RotationCommand.newBuilder(copy)
                .setCommandId("cmd-external-1")
                .setSecretPath(path)
                .setRequestedAt(Instant.now())
                .build();
        producer.send(new ProducerRecord<>(
                        name,
                        path.getBytes(StandardCharsets.UTF_8),
                        topics.rotationCommands().valueSerde().serializer().serialize(name, external)))
                .get();
        await().atMost(WAIT)
                .until(() -> results().stream()
                        .anyMatch(r -> r.path("command_id").asText().equals("cmd-external-1")));
        assertThat(results())
                .filteredOn(r -> r.path("command_id").asText().equals("cmd-external-1"))
                .singleElement()
                .satisfies(r -> assertThat(r.path("status").asText()).isEqualTo("ROTATED"));
        assertThat(vault.kvMetadata("secret", "single/s" + SECRETS)
                        .orElseThrow()
                        .currentVersion())
                .isEqualTo(2);
    }

    @Test
    @Order(3)
    void aSlowVaultDoesNotHoldDetectionUp() throws Exception {
        vault.setResponseDelay(Duration.ofSeconds(3)); // a kv2 rotation makes several calls: well over 10 s
        try {
            trigger("slow-1", "secret/single/s" + (SECRETS + 1));
            await().atMost(WAIT)
                    .until(() -> audits("ROTATION_STARTED").stream()
                            .anyMatch(a -> a.path("event_id").asText().equals("slow-1")));
            trigger("slow-2", "secret/single/s" + (SECRETS + 2));
            // the second trigger is decided and started while the first rotation still waits for Vault
            await().atMost(WAIT)
                    .until(() -> audits("ROTATION_STARTED").stream()
                            .anyMatch(a -> a.path("event_id").asText().equals("slow-2")));
            assertThat(results()).noneMatch(r -> r.path("event_id").asText().startsWith("slow-"));
        } finally {
            vault.setResponseDelay(Duration.ZERO);
        }
        await().atMost(WAIT)
                .until(() -> results().stream()
                                .filter(r -> r.path("event_id").asText().startsWith("slow-"))
                                .count()
                        == 2);
    }

    @Test
    @Order(4)
    void anUnreadableCommandGoesToTheCommandsDeadLetterTopicWithACriticalNotification() throws Exception {
        final RotorConfig.TopicNames n = config.topics();
        final KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(
                KAFKA.consumerProps("single-client-dlq"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try (dlq) {
            dlq.subscribe(List.of(n.rotationCommandsDlq(), n.securityEventsDlq(), n.securityCritical()));
            producer.send(new ProducerRecord<>(
                            n.rotationCommands(),
                            "secret/single/x".getBytes(StandardCharsets.UTF_8),
                            "{not a command".getBytes(StandardCharsets.UTF_8)))
                    .get();
            final List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.stream().anyMatch(r -> r.topic().equals(n.rotationCommandsDlq()))
                        && got.stream().anyMatch(r -> r.topic().equals(n.securityCritical()));
            });
            assertThat(got)
                    .filteredOn(r -> r.topic().equals(n.rotationCommandsDlq()))
                    .singleElement()
                    .satisfies(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                            .isEqualTo("{not a command"));
            assertThat(got).noneMatch(r -> r.topic().equals(n.securityEventsDlq()));
            assertThat(got)
                    .filteredOn(r -> r.topic().equals(n.securityCritical()))
                    .singleElement()
                    .satisfies(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                            .contains("unreadable rotation command"));
        }
    }

    private static void trigger(final String id, final String path) throws Exception {
        final String json = "{\"event_id\":\"" + id + "\",\"event_type\":\"manual_trigger\",\"threat_level\":\"low\","
                + "\"affected_resources\":[\"" + path + "\"],\"timestamp\":\"" + Instant.now() + "\"}";
        producer.send(new ProducerRecord<>(config.topics().securityEvents(), json.getBytes(StandardCharsets.UTF_8)))
                .get();
    }

    private static synchronized void poll(final Duration d) {
        final long until = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < until) {
            consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(final String topic) {
        poll(Duration.ofMillis(200));
        return seen.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    private static List<JsonNode> values(final String topic) {
        return records(topic).stream()
                .map(r -> {
                    try {
                        return JSON.readTree(r.value());
                    } catch (final IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static List<JsonNode> results() {
        return values(config.topics().rotationResults());
    }

    private static List<JsonNode> audits(final String decision) {
        return values(config.topics().rotationAudit()).stream()
                .filter(a -> a.path("decision").asText().equals(decision))
                .toList();
    }
}
