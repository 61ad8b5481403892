package dev.rotor.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotationTargets;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionTopology;
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
 * Issues 6 and 12 end to end on a real KRaft broker with exactly_once_v2: foreign records produced by a plain
 * KafkaProducer to their own topics become commands on rotation-commands (detection only; no Vault).
 *
 * <ol>
 *   <li>ten OCSF authentication failures for one mapped user within 15 minutes → one rotation of the user's secret;
 *   <li>a Vault audit stream of repeated permission-denied reads of one path → one rotation of that path;
 *   <li>a GitHub publicly_leaked delivery → an immediate rotation with a critical trigger;
 *   <li>an unmapped principal → an UNMAPPED audit record, no rotation;
 *   <li>ten failed sshd logins as ECS documents (Elastic's sample, without ids) → one rotation of the host's secret;
 *   <li>a GuardDuty {@code get-findings} list holding a high credential finding and a Recon one → one rotation of the
 *       key, one NOT_RELEVANT audit;
 * </ol>
 *
 * and a malformed record on a source's topic goes to that source's DLQ while the records after it are processed.
 */
class AdaptersIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String OCSF = "ocsf-events";
    private static final String VAULT = "vault-audit";
    private static final String GITHUB = "github-secret-scanning";
    private static final String AWS = "aws-security";
    private static final String ECS = "ecs-auth";
    /** One key for every record: the same partition of each topic, so one task reads them in the order produced. */
    private static final String KEY = "shipper-1";

    private static RotorConfig config;
    private static Topics topics;
    private static KafkaStreams streams;

    @BeforeAll
    static void startDetection() throws Exception {
        final Path stateDir = TestDirs.fresh("it-state", "adapters-");
        config = ConfigLoader.defaults(Map.of(
                        "rotor.output.format",
                        "json",
                        "kafka.schema.registry.url",
                        "",
                        "rotor.audit.below-threshold",
                        "all",
                        "rotor.adapters.ocsf.topics",
                        OCSF,
                        "rotor.adapters.vault-audit.topics",
                        VAULT,
                        "rotor.adapters.github.topics",
                        GITHUB,
                        "rotor.adapters.aws.topics",
                        AWS,
                        "rotor.adapters.ecs.topics",
                        ECS))
                .withTargets(RotationTargets.parse(AdapterDriver.TARGETS, "AdaptersIT"))
                .withKafka(Map.of(
                        "bootstrap.servers",
                        KAFKA.bootstrapServers(),
                        StreamsConfig.STATE_DIR_CONFIG,
                        stateDir.toString()));
        topics = new Topics(config);
        final RotorConfig.TopicNames n = config.topics();
        KAFKA.createTopics(
                3,
                n.securityEvents(),
                n.rotationCommands(),
                n.rotationAudit(),
                n.securityEventsDlq(),
                OCSF,
                OCSF + "-dlq",
                VAULT,
                VAULT + "-dlq",
                GITHUB,
                GITHUB + "-dlq",
                AWS,
                AWS + "-dlq",
                ECS,
                ECS + "-dlq");
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
    }

    @Test
    void foreignRecordsRotateMappedSecretsAndAuditTheRest() throws Exception {
        final Instant start = Instant.now().minus(Duration.ofMinutes(14));
        final byte[] poison = "{\"class_uid\": 3002, \"time\": ".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
            send(producer, OCSF, KEY, poison);
            for (int i = 0; i < 10; i++) {
                send(
                        producer,
                        OCSF,
                        KEY,
                        AdaptersTopologyTest.ocsfFailure(
                                "svc-payments", "it-4625-" + i, start.plus(Duration.ofSeconds(80L * i))));
            }
            send(
                    producer,
                    OCSF,
                    KEY,
                    AdaptersTopologyTest.ocsfFailure(
                            "bob", "it-4625-bob", Instant.now().minusSeconds(20)));
            for (int i = 0; i < 5; i++) {
                send(
                        producer,
                        VAULT,
                        KEY,
                        AdaptersTopologyTest.vaultDeniedRead(
                                "secret/data/payments/db",
                                "it-req-" + i,
                                Instant.now().minusSeconds(30 - i)));
            }
            send(
                    producer,
                    GITHUB,
                    KEY,
                    AdaptersTopologyTest.githubPubliclyLeaked(Instant.now().minusSeconds(10)));
            for (int i = 0; i < 10; i++) {
                send(
                        producer,
                        ECS,
                        KEY,
                        AdaptersTopologyTest.sshFailure("deploy", start.plus(Duration.ofSeconds(80L * i)), 40000 + i));
            }
            final String recent = Instant.now().minusSeconds(20).toString();
            send(
                    producer,
                    AWS,
                    KEY,
                    AwsFindingsTest.findings(
                            AwsFindingsTest.apiFinding(f -> {
                                f.put("Type", "UnauthorizedAccess:IAMUser/MaliciousIPCaller")
                                        .put("Severity", 8)
                                        .put("UpdatedAt", recent);
                                ((ObjectNode) f.get("Resource").get("AccessKeyDetails"))
                                        .put("AccessKeyId", "AKIAIOSFODNN7EXAMPLE");
                            }),
                            AwsFindingsTest.apiFinding(
                                    f -> f.put("Id", "it-recon").put("UpdatedAt", recent))));
            producer.flush();
        }

        final List<RotationCommand> commands = KAFKA.readRecords(config.topics().rotationCommands(), 5, WAIT).stream()
                .map(r -> topics.rotationCommands().valueSerde().deserializer().deserialize("c", r.value()))
                .toList();
        assertThat(commands)
                .extracting(RotationCommand::getSecretPath)
                .containsExactlyInAnyOrder(
                        "secret/prod/svc-payments",
                        "secret/payments/db",
                        "secret/ci/Hello-World/adafruit",
                        "secret/hosts/slave22/deploy",
                        "secret/aws/keys/AKIAIOSFODNN7EXAMPLE");
        assertThat(commands)
                .filteredOn(c -> c.getSecretPath().equals("secret/hosts/slave22/deploy"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.getRule()).isEqualTo("failed-auth-threshold");
                    assertThat(c.getTrigger().getMetadata()).containsEntry("source", "ecs");
                });
        assertThat(commands)
                .filteredOn(c -> c.getSecretPath().equals("secret/aws/keys/AKIAIOSFODNN7EXAMPLE"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.getRule()).isEqualTo("high-threat-indicator");
                    assertThat(c.getEventId()).isEqualTo(AwsFindingsTest.GET_FINDINGS_ID);
                });
        assertThat(commands)
                .filteredOn(c -> c.getSecretPath().equals("secret/prod/svc-payments"))
                .singleElement()
                .satisfies(c -> assertThat(c.getRule()).isEqualTo("failed-auth-threshold"));
        assertThat(commands)
                .filteredOn(c -> c.getSecretPath().equals("secret/payments/db"))
                .singleElement()
                .satisfies(c -> assertThat(c.getEventType()).isEqualTo("unauthorized_access"));
        assertThat(commands)
                .filteredOn(c -> c.getSecretPath().equals("secret/ci/Hello-World/adafruit"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.getThreatLevel()).isEqualTo(ThreatLevel.critical);
                    assertThat(c.getRule()).isEqualTo("critical-threat");
                    assertThat(c.getTrigger().getMetadata())
                            .containsEntry("source", "github")
                            .containsEntry("action", "publicly_leaked");
                });

        final List<ConsumerRecord<byte[], byte[]>> dlq = KAFKA.readRecords(OCSF + "-dlq", 1, WAIT);
        assertThat(dlq).singleElement().satisfies(r -> {
            assertThat(r.value()).isEqualTo(poison);
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
                    .filteredOn(a -> a.getDecision() == AuditDecision.UNMAPPED)
                    .singleElement()
                    .satisfies(a -> assertThat(a.getDetails().get("principal")).startsWith("user.name=bob"));
            assertThat(audits)
                    .filteredOn(a -> a.getDecision() == AuditDecision.ROTATE)
                    .hasSize(5);
            assertThat(audits)
                    .filteredOn(a -> a.getDecision() == AuditDecision.SUPPRESSED)
                    .hasSize(4);
            assertThat(audits)
                    .filteredOn(a -> a.getDecision() == AuditDecision.BELOW_THRESHOLD)
                    .hasSize(18);
            assertThat(audits)
                    .filteredOn(a -> a.getDecision() == AuditDecision.NOT_RELEVANT)
                    .singleElement()
                    .satisfies(a -> assertThat(a.getEventId()).isEqualTo("it-recon"));
            assertThat(audits)
                    .filteredOn(a -> a.getDecision() == AuditDecision.INVALID)
                    .hasSize(1);
        });
        assertThat(KAFKA.readAllCommitted(config.topics().rotationCommands(), WAIT))
                .hasSize(5);
    }

    private static void send(
            final KafkaProducer<byte[], byte[]> producer, final String topic, final String key, final byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }
}
