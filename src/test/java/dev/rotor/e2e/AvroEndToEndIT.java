package dev.rotor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.Notification;
import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.RotorConfig;
import dev.rotor.devvault.DevVault;
import dev.rotor.serde.ConfluentAvroSerde;
import dev.rotor.serde.HttpSchemaRegistry;
import dev.rotor.serde.RegistryUnavailableException;
import dev.rotor.service.RotorService;
import dev.rotor.testing.ApicurioRegistry;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.FakeCredentials;
import dev.rotor.testing.FakeCredentials.Fake;
import dev.rotor.testing.ItConfig;
import dev.rotor.testing.TestDirs;
import dev.rotor.vault.VaultRotator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole of rotor with Avro outputs against the real schema registry: RotorService with role {@code all} on the
 * in-JVM broker, the dev Vault over HTTP, {@code rotor.output.format=avro} and the shared Apicurio Registry. A JSON
 * leak with credentials in its text, an Avro (Confluent wire format) manual trigger and a leak of a secret Vault does
 * not have go in; every output topic is read back through the registry, by the schema id each record names, and checked
 * field by field.
 */
class AvroEndToEndIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String PREFIX = "avro-e2e-";
    private static final String LEAK = "secret/avro/leak";
    private static final String MANUAL = "secret/avro/manual";
    private static final String MISSING = "secret/avro/missing";

    private static String registryUrl;
    private static DevVault vault;
    private static RotorConfig config;
    private static RotorService rotor;
    private static Object seededPassword;

    @BeforeAll
    static void start() throws Exception {
        registryUrl = ApicurioRegistry.shared().ccompatUrl();
        vault = DevVault.start();
        seededPassword = "seed-" + System.nanoTime();
        vault.kvPut("secret", "avro/leak", Map.of("username", "svc-avro", "password", seededPassword));
        vault.kvPut("secret", "avro/manual", Map.of("value", "seed-manual"));
        final Path state = TestDirs.fresh("it-state", "avro-");
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put("rotor.output.format", "avro");
        settings.put("kafka.schema.registry.url", registryUrl);
        settings.put("kafka.bootstrap.servers", KAFKA.bootstrapServers());
        settings.put("kafka.state.dir", state.toString());
        settings.put("kafka.commit.interval.ms", "25");
        // topics of their own, so their subjects (<topic>-value) are this test's on the shared registry
        for (final String t : List.of(
                "security-events",
                "rotation-commands",
                "rotation-results",
                "security-alerts",
                "security-critical",
                "rotation-audit",
                "security-events-dlq",
                "rotation-commands-dlq")) {
            settings.put("rotor.topic." + t, PREFIX + t);
        }
        config = ItConfig.load(vault.address(), vault.rootToken(), settings);
        final RotorConfig.TopicNames n = config.topics();
        KAFKA.createTopics(
                3,
                n.securityEvents(),
                n.rotationCommands(),
                n.rotationResults(),
                n.securityAlerts(),
                n.securityCritical(),
                n.rotationAudit(),
                n.securityEventsDlq(),
                n.rotationCommandsDlq());
        rotor = RotorService.start(config, RotorService.Role.ALL, VaultRotator.fromConfig(config));
        await().atMost(WAIT).until(rotor::allRunning);
    }

    @AfterAll
    static void stop() {
        if (rotor != null) {
            rotor.close(Duration.ofSeconds(10));
        }
        if (vault != null) {
            vault.close();
        }
    }

    @Test
    void everyOutputIsAvroThatReadsBackThroughTheRegistry() throws Exception {
        // given: a JSON leak carrying credentials, an Avro manual trigger, a leak of a secret Vault does not have
        final Fake github = FakeCredentials.all().stream()
                .filter(f -> f.name().equals("github-token-ghp"))
                .findFirst()
                .orElseThrow();
        final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        final String leakJson = "{\"event_id\":\"avro-leak-1\",\"event_type\":\"leaked_credential\","
                + "\"threat_level\":\"critical\",\"description\":\"" + github.text() + "; password="
                + FakeCredentials.ISSUE_PASSWORD + "\",\"affected_resources\":[\"" + LEAK + "\"],"
                + "\"source_ip\":\"203.0.113.9\",\"timestamp\":\"" + now + "\",\"metadata\":{\"repository\":"
                + "\"acme/api\",\"apikey\":\"" + FakeCredentials.ISSUE_STRIPE_KEY + "\"}}";
        final SecurityEvent manual = SecurityEvent.newBuilder()
                .setEventId("avro-manual-1")
                .setEventType("manual_trigger")
                .setThreatLevel(ThreatLevel.low)
                .setDescription("operator requested")
                .setAffectedResources(List.of(MANUAL))
                .setSourceIp(null)
                .setTimestamp(now)
                .setMetadata(Map.of("ticket", "SEC-42"))
                .build();
        final String missingJson = "{\"event_id\":\"avro-missing-1\",\"event_type\":\"leaked_credential\","
                + "\"threat_level\":\"critical\",\"description\":\"unknown secret\",\"affected_resources\":[\""
                + MISSING + "\"],\"timestamp\":\"" + now + "\"}";
        final ConfluentAvroSerde<SecurityEvent> eventSerde = serde(SecurityEvent.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            final String in = config.topics().securityEvents();
            producer.send(new ProducerRecord<>(in, leakJson.getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.send(new ProducerRecord<>(in, eventSerde.serializer().serialize(in, manual)))
                    .get();
            producer.send(new ProducerRecord<>(in, missingJson.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }

        // when every output topic is read back through the registry
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(read(config.topics().rotationResults(), RotationResult.class))
                        .hasSize(3));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(
                                read(config.topics().rotationAudit(), AuditRecord.class).values().stream()
                                        .filter(a -> a.getDecision() == AuditDecision.ROTATION_FINISHED))
                        .hasSize(3));
        final Map<String, RotationCommand> commands = read(config.topics().rotationCommands(), RotationCommand.class);
        final Map<String, RotationResult> results = read(config.topics().rotationResults(), RotationResult.class);
        final Map<String, Notification> alerts = read(config.topics().securityAlerts(), Notification.class);
        final Map<String, Notification> critical = read(config.topics().securityCritical(), Notification.class);
        final List<AuditRecord> audit = List.copyOf(
                read(config.topics().rotationAudit(), AuditRecord.class).values());

        // then: commands
        assertThat(commands).containsOnlyKeys(LEAK, MANUAL, MISSING);
        assertThat(commands.get(LEAK)).satisfies(c -> {
            assertThat(c.getEventId()).isEqualTo("avro-leak-1");
            assertThat(c.getSecretPath()).isEqualTo(LEAK);
            assertThat(c.getCommandId()).startsWith("cmd-");
            assertThat(c.getRule()).isEqualTo("critical-threat");
            assertThat(c.getThreatLevel()).isEqualTo(ThreatLevel.critical);
            assertThat(c.getEventType()).isEqualTo("leaked_credential");
            assertThat(c.getTrigger().getDescription())
                    .withFailMessage("description not redacted as expected")
                    .isEqualTo("token [REDACTED] found in a commit; password=[REDACTED]");
            assertThat(c.getTrigger().getSourceIp()).isEqualTo("203.0.113.9");
            assertThat(c.getTrigger().getTimestamp()).isEqualTo(now);
            assertThat(c.getTrigger().getMetadata())
                    .withFailMessage("metadata not redacted as expected")
                    .containsOnly(Map.entry("repository", "acme/api"), Map.entry("apikey", "[REDACTED]"));
        });
        assertThat(commands.get(MANUAL)).satisfies(c -> {
            assertThat(c.getEventId()).isEqualTo("avro-manual-1");
            assertThat(c.getRule()).isEqualTo("manual-trigger");
            assertThat(c.getTrigger().getMetadata()).containsOnly(Map.entry("ticket", "SEC-42"));
        });
        // results
        assertThat(results.get(LEAK)).satisfies(r -> {
            assertThat(r.getCommandId()).isEqualTo(commands.get(LEAK).getCommandId());
            assertThat(r.getStatus()).isEqualTo(ResultStatus.ROTATED);
            assertThat(r.getSuccess()).isTrue();
            assertThat(r.getStrategy()).isEqualTo("kv2");
            assertThat(r.getNewVersion()).isEqualTo(r.getOldVersion() + 1);
            assertThat(r.getNotificationsSent()).isEqualTo(1);
            assertThat(r.getError()).isNull();
        });
        assertThat(results.get(MANUAL).getStatus()).isEqualTo(ResultStatus.ROTATED);
        assertThat(results.get(MISSING)).satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.FAILED);
            assertThat(r.getSuccess()).isFalse();
            assertThat(r.getError()).contains("secret/data/avro/missing not found");
        });
        // notifications
        assertThat(alerts).containsOnlyKeys(LEAK, MANUAL);
        assertThat(alerts.get(LEAK)).satisfies(a -> {
            assertThat(a.getChannel()).isEqualTo("security-alerts");
            assertThat(a.getPriority()).isEqualTo("high");
            assertThat(a.getMessage())
                    .withFailMessage("alert text not as expected")
                    .startsWith("🔐 Emergency Credential Rotation Triggered\n\nSecret: " + LEAK
                            + "\nTrigger: leaked_credential\n"
                            + "Threat Level: critical\nDescription: token [REDACTED] found in a commit; "
                            + "password=[REDACTED]\n");
            assertThat(a.getMetadata())
                    .containsEntry("secret_path", LEAK)
                    .containsEntry("command_id", commands.get(LEAK).getCommandId());
        });
        assertThat(critical).containsOnlyKeys(MISSING);
        assertThat(critical.get(MISSING)).satisfies(n -> {
            assertThat(n.getChannel()).isEqualTo("security-critical");
            assertThat(n.getPriority()).isEqualTo("critical");
            assertThat(n.getMessage())
                    .startsWith("🚨 EMERGENCY ROTATION FAILED 🚨\n\nSecret: " + MISSING + "\n")
                    .endsWith("IMMEDIATE ACTION REQUIRED!");
        });
        // audit
        assertThat(audit)
                .filteredOn(a -> a.getDecision() == AuditDecision.ROTATE)
                .extracting(AuditRecord::getEventId)
                .containsExactlyInAnyOrder("avro-leak-1", "avro-manual-1", "avro-missing-1");
        assertThat(audit).extracting(AuditRecord::getDecision).contains(AuditDecision.ROTATION_STARTED);
        assertThat(audit)
                .filteredOn(a -> a.getDecision() == AuditDecision.ROTATION_FINISHED)
                .allSatisfy(a -> assertThat(a.getDetails()).containsKey("vault_call_count"));
        assertThat(audit)
                .filteredOn(a -> a.getDecision() == AuditDecision.ROTATION_FINISHED)
                .extracting(a -> a.getSecretPath() + " " + a.getDetails().get("status"))
                .containsExactlyInAnyOrder(LEAK + " ROTATED", MANUAL + " ROTATED", MISSING + " FAILED");
        // Vault, and nothing on the DLQ
        assertThat(vault.kvRead("secret", "avro/leak").get("password")).isNotEqualTo(seededPassword);
        assertThat(KAFKA.readAllCommitted(config.topics().securityEventsDlq(), WAIT))
                .isEmpty();
        // no credential of the leak on any topic, in any key, value or header
        final Map<String, String> raw = new LinkedHashMap<>();
        final RotorConfig.TopicNames n = config.topics();
        for (final String topic : List.of(
                n.rotationCommands(),
                n.rotationResults(),
                n.securityAlerts(),
                n.securityCritical(),
                n.rotationAudit(),
                n.securityEventsDlq())) {
            int i = 0;
            for (final ConsumerRecord<byte[], byte[]> r : KAFKA.readAllCommitted(topic, WAIT)) {
                raw.put(topic + "[" + i + "]", utf8(r.key()) + " " + utf8(r.value()));
                for (final Header h : r.headers()) {
                    raw.put(topic + "[" + i + "] header " + h.key(), utf8(h.value()));
                }
                i++;
            }
        }
        assertThat(FakeCredentials.leaks(
                        Map.of(
                                "github token",
                                github.secrets().get(0),
                                "issue password",
                                FakeCredentials.ISSUE_PASSWORD,
                                "issue stripe key",
                                FakeCredentials.ISSUE_STRIPE_KEY),
                        raw))
                .isEmpty();
    }

    /**
     * Every record of {@code topic}, by key (the last one per key; audit records by partition and offset), decoded by a
     * deserializer that knows only the registry: each value must be Confluent wire format naming a schema id the
     * registry has under {@code <topic>-value}.
     */
    private static <T extends SpecificRecord> Map<String, T> read(final String topic, final Class<T> type) {
        final ConfluentAvroSerde<T> serde = serde(type);
        final HttpSchemaRegistry registry =
                new HttpSchemaRegistry(List.of(registryUrl), null, Duration.ofSeconds(2), Duration.ofSeconds(10));
        final Map<String, T> out = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();
        // asked once per topic (once a record shows the subject exists), not once per record: the registry shares
        // two cores with everything else
        Object latest = null;
        for (final ConsumerRecord<byte[], byte[]> r : KAFKA.readAllCommitted(topic, WAIT)) {
            final byte[] v = r.value();
            if (v == null || v.length < 5 || v[0] != 0) {
                problems.add(topic + "@" + r.offset() + " is not in the Confluent wire format");
                continue;
            }
            final int id = ByteBuffer.wrap(v, 1, 4).getInt();
            if (latest == null) {
                latest = patiently(() -> registry.latest(topic + "-value").schema());
            }
            if (!patiently(() -> registry.schemaById(id)).equals(latest)) {
                problems.add(topic + "@" + r.offset() + " names schema id " + id + ", not the subject's latest");
            }
            final String key = r.key() == null ? r.topic() + "@" + r.offset() : utf8(r.key());
            final T value = serde.deserializer().deserialize(topic, v);
            out.put(type == AuditRecord.class ? r.partition() + "@" + r.offset() : key, value);
        }
        assertThat(problems).isEmpty();
        return out;
    }

    /** The test's own registry lookups, asked again when the busy registry times out (rotor's are tested elsewhere). */
    private static <R> R patiently(final Supplier<R> lookup) {
        for (int attempt = 1; ; attempt++) {
            try {
                return lookup.get();
            } catch (final RegistryUnavailableException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static <T extends SpecificRecord> ConfluentAvroSerde<T> serde(final Class<T> type) {
        final ConfluentAvroSerde<T> serde = new ConfluentAvroSerde<>(type);
        serde.configure(Map.of("schema.registry.url", registryUrl), false);
        return serde;
    }

    private static String utf8(final byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }
}
