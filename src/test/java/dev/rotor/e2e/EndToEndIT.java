package dev.rotor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.config.RotorConfig;
import dev.rotor.devvault.DevVault;
import dev.rotor.service.RotorService;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.ItConfig;
import dev.rotor.testing.TestDirs;
import dev.rotor.vault.VaultRotator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The whole of rotor on a real KRaft broker with exactly-once, against the dev Vault over HTTP: JSON events on
 * security-events become changed secrets in Vault and records on every output topic (the original implementation's
 * examples), with no secret value or token anywhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    private static DevVault vault;
    private static RotorConfig config;
    private static RotorService rotor;
    private static KafkaProducer<byte[], byte[]> producer;
    private static final Map<String, Object> SEEDED = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        vault = DevVault.start();
        for (final String path : List.of(
                "prod/manual", "prod/api-key", "prod/db-password", "prod/leak-1", "prod/leak-2", "prod/leak-3")) {
            final Map<String, Object> data =
                    Map.of("username", "svc-" + path.replace('/', '-'), "password", "seed-" + path.hashCode());
            vault.kvPut("secret", path, data);
            SEEDED.put(path, data.get("password"));
        }
        for (int i = 0; i < 20; i++) {
            vault.kvPut("secret", "latency/s" + i, Map.of("value", "seed"));
        }
        final Path state = TestDirs.fresh("it-state", "e2e-");
        config = ItConfig.load(
                vault.address(),
                vault.rootToken(),
                ItConfig.onBroker(KAFKA, state, Map.of("kafka.commit.interval.ms", "25")));
        ItConfig.createTopics(KAFKA, config, 3);
        rotor = RotorService.start(config, RotorService.Role.ALL, VaultRotator.fromConfig(config));
        await().atMost(WAIT).until(rotor::allRunning);
        producer = new KafkaProducer<>(KAFKA.producerProps());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (rotor != null) {
            rotor.close(Duration.ofSeconds(10));
        }
        if (vault != null) {
            vault.close();
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    }

    private static void send(final String json) throws Exception {
        producer.send(new ProducerRecord<>(config.topics().securityEvents(), json.getBytes(StandardCharsets.UTF_8)))
                .get();
    }

    private static String event(
            final String type, final String level, final String description, final String... paths) {
        final String resources = Arrays.stream(paths).map(p -> "\"" + p + "\"").collect(Collectors.joining(","));
        return "{\"event_type\":\"" + type + "\",\"threat_level\":\"" + level + "\",\"description\":\""
                + description + "\",\"affected_resources\":[" + resources + "],\"source_ip\":\"203.0.113.9\","
                + "\"timestamp\":\"" + Instant.now() + "\",\"metadata\":{\"reporter\":\"e2e\"}}";
    }

    private static List<JsonNode> values(final String topic) {
        return KAFKA.readAllCommitted(topic, WAIT).stream()
                .map(r -> {
                    try {
                        return JSON.readTree(r.value());
                    } catch (final IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static List<JsonNode> resultsFor(final Set<String> paths) {
        return values(config.topics().rotationResults()).stream()
                .filter(r -> paths.contains(r.path("secret_path").asText()))
                .toList();
    }

    @Test
    @Order(1)
    void theOriginalExamplesRotateTheirSecretsInVault() throws Exception {
        send(event("manual_trigger", "low", "operator requested rotation", "secret/prod/manual"));
        send(event("api_key_exposed", "critical", "API key found in public GitHub repository", "secret/prod/api-key"));
        send(event("brute_force_attack", "high", "brute force against the database", "secret/prod/db-password"));
        send(event(
                "leaked_credential",
                "critical",
                "three credentials in a paste",
                "secret/prod/leak-1",
                "secret/prod/leak-2",
                "secret/prod/leak-3"));
        final Set<String> paths = Set.of(
                "secret/prod/manual",
                "secret/prod/api-key",
                "secret/prod/db-password",
                "secret/prod/leak-1",
                "secret/prod/leak-2",
                "secret/prod/leak-3");

        await().atMost(WAIT).untilAsserted(() -> assertThat(resultsFor(paths)).hasSize(6));
        assertThat(resultsFor(paths)).allSatisfy(r -> {
            assertThat(r.path("status").asText()).isEqualTo("ROTATED");
            assertThat(r.path("success").asBoolean()).isTrue();
            assertThat(r.path("strategy").asText()).isEqualTo("kv2");
            assertThat(r.path("new_version").asLong())
                    .isEqualTo(r.path("old_version").asLong() + 1);
        });
        for (final String p : paths) {
            final String rest = p.substring("secret/".length());
            final Map<String, Object> now = vault.kvRead("secret", rest);
            assertThat(now.get("password")).as(p).isNotEqualTo(SEEDED.get(rest));
            assertThat(now.get("username")).as(p).isEqualTo("svc-" + rest.replace('/', '-'));
            assertThat(vault.kvMetadata("secret", rest).orElseThrow().customMetadata())
                    .containsEntry("rotated_by", "rotor")
                    .containsKey("rotor_command_id");
        }
        final List<JsonNode> alerts = values(config.topics().securityAlerts()).stream()
                .filter(a ->
                        paths.contains(a.path("metadata").path("secret_path").asText()))
                .toList();
        assertThat(alerts).hasSize(6).allSatisfy(a -> {
            assertThat(a.path("priority").asText()).isEqualTo("high");
            assertThat(a.path("message").asText()).startsWith("🔐 Emergency Credential Rotation Triggered\n\nSecret: ");
        });
        assertThat(alerts)
                .filteredOn(a -> a.path("metadata").path("secret_path").asText().startsWith("secret/prod/leak-"))
                .hasSize(3);
        assertThat(values(config.topics().rotationAudit()))
                .extracting(a -> a.path("decision").asText())
                .contains("ROTATE", "ROTATION_STARTED", "ROTATION_FINISHED");
        // the kv2 rotations' Vault calls, listed in their finished records (rotor.audit.vault-calls=summary)
        assertThat(values(config.topics().rotationAudit()))
                .filteredOn(a -> a.path("decision").asText().equals("ROTATION_FINISHED")
                        && a.path("details").path("status").asText().equals("ROTATED"))
                .isNotEmpty()
                .allSatisfy(
                        a -> assertThat(a.path("details").path("vault_calls").asText())
                                .contains("secret/data/")
                                .doesNotContain("\"value\""));
    }

    @Test
    @Order(2)
    void aSecretThatDoesNotExistFailsWithACriticalAlertAndIsNotCreated() throws Exception {
        send(event("leaked_credential", "critical", "unknown secret", "secret/prod/missing"));

        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertThat(resultsFor(Set.of("secret/prod/missing"))).hasSize(1));
        final JsonNode failed = resultsFor(Set.of("secret/prod/missing")).get(0);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("error").asText()).contains("secret/data/prod/missing not found");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(values(config.topics().securityCritical()))
                        .singleElement()
                        .satisfies(n -> {
                            assertThat(n.path("priority").asText()).isEqualTo("critical");
                            assertThat(n.path("message").asText())
                                    .startsWith("""
                                                \ud83d\udea8 EMERGENCY ROTATION FAILED \ud83d\udea8

                                                Secret: secret/prod/missing
                                                """)
                                    .endsWith("IMMEDIATE ACTION REQUIRED!");
                        }));
        assertThat(vault.kvMetadata("secret", "prod/missing")).isEmpty();
    }

    @Test
    @Order(3)
    void eventToResultLatencyMedianOfTwenty() throws Exception {
        final List<Long> millis = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> results = new KafkaConsumer<>(KAFKA.consumerProps("latency-probe"))) {
            final List<TopicPartition> partitions = results
                    .partitionsFor(config.topics().rotationResults())
                    .stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            results.assign(partitions);
            results.seekToEnd(partitions);
            partitions.forEach(results::position);
            for (int i = 0; i < 20; i++) {
                final String path = "secret/latency/s" + i;
                final long t0 = System.nanoTime();
                send(event("manual_trigger", "low", "latency probe", path));
                boolean seen = false;
                while (!seen && System.nanoTime() - t0 < WAIT.toNanos()) {
                    for (final ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(5))) {
                        seen |= JSON.readTree(r.value())
                                .path("secret_path")
                                .asText()
                                .equals(path);
                    }
                }
                assertThat(seen).as("result for " + path).isTrue();
                millis.add((System.nanoTime() - t0) / 1_000_000);
            }
        }
        final List<Long> sorted = millis.stream().sorted().toList();
        final long median = (sorted.get(9) + sorted.get(10)) / 2;
        LoggerFactory.getLogger(EndToEndIT.class)
                .info(
                        "event -> result, 20 manual triggers: median {} ms, min {} ms,"
                                + " max {} ms (exactly-once, commit interval 25 ms)",
                        median,
                        sorted.get(0),
                        sorted.get(19));
        assertThat(vault.kvMetadata("secret", "latency/s19").orElseThrow().customMetadata())
                .containsKey("rotor_command_id");
    }

    @Test
    @Order(4)
    void noSecretValueOrTokenAppearsOnAnyTopicOrInTheLog() {
        final Set<String> secrets = new TreeSet<>();
        for (final String rest : List.of(
                "prod/manual", "prod/api-key", "prod/db-password", "prod/leak-1", "prod/leak-2", "prod/leak-3")) {
            secrets.add(String.valueOf(vault.kvRead("secret", rest).get("password")));
            secrets.add(String.valueOf(SEEDED.get(rest)));
        }
        for (int i = 0; i < 20; i++) {
            secrets.add(String.valueOf(vault.kvRead("secret", "latency/s" + i).get("value")));
        }
        secrets.remove("seed");
        secrets.add(vault.rootToken());
        assertThat(secrets).hasSizeGreaterThan(30);

        final List<String> haystack = new ArrayList<>();
        final RotorConfig.TopicNames n = config.topics();
        for (final String topic : List.of(
                n.securityEvents(),
                n.rotationCommands(),
                n.rotationResults(),
                n.securityAlerts(),
                n.securityCritical(),
                n.rotationAudit(),
                n.securityEventsDlq())) {
            for (final ConsumerRecord<byte[], byte[]> r : KAFKA.readAllCommitted(topic, WAIT)) {
                haystack.add(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8));
                haystack.add(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
                for (final Header h : r.headers()) {
                    haystack.add(new String(h.value(), StandardCharsets.UTF_8));
                }
            }
        }
        LOGS.list.forEach(e -> haystack.add(e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())));
        assertThat(haystack).hasSizeGreaterThan(100);
        for (final String secret : secrets) {
            assertThat(haystack)
                    .as("records and log lines containing a secret value")
                    .noneMatch(s -> s.contains(secret));
        }
    }
}
