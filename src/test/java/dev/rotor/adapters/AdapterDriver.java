package dev.rotor.adapters;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationCommand;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotationTargets;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionStatistics;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.testing.TestDirs;
import dev.rotor.testing.TopologyTopics;
import dev.rotor.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * rotor's detection topology with adapter sources in a TopologyTestDriver, wired as in production (the same build
 * method and Streams properties). Sources: {@value #OCSF}, {@value #VAULT}, {@value #GITHUB}, {@value #AWS} (whose DLQ
 * is named {@value #AWS_DLQ}; the others use {@code <topic>-dlq}), {@value #ECS}.
 */
final class AdapterDriver implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final String OCSF = "ocsf-events";
    static final String VAULT = "vault-audit";
    static final String GITHUB = "github-secret-scanning";
    static final String AWS = "aws-security";
    static final String AWS_DLQ = "aws-dlq";
    static final String ECS = "ecs-auth";

    static final String TARGETS = """
            targets:
              - pattern: "secret/**"
            principals:
              - source: ocsf
                match: {user.name: "svc-*"}
                secret: "secret/prod/{user.name}"
              - source: vault-audit
                match: {login_path: "auth/userpass/login/*"}
                secret: "secret/users/{1}"
              - source: github
                match: {repository: "Codertocat/*", secret_type: "adafruit_io_key"}
                secret: "secret/ci/{1}/adafruit"
              - source: aws
                match: {user_arn: "arn:aws:iam::*:root"}
                secret: "secret/aws/{1}/root"
              - source: aws
                match: {access_key_id: "AKIA*"}
                secret: "secret/aws/keys/{access_key_id}"
              - source: ecs
                match: {user.name: "*", host.name: "*"}
                secret: "secret/hosts/{host.name}/{user.name}"
            """;

    final RotorConfig config;
    final Topics topics;
    final TopologyTestDriver driver;
    final Topology topology;
    private final Path stateDir;
    private final TestOutputTopic<String, RotationCommand> commands;
    private final TestOutputTopic<String, AuditRecord> audit;
    private final List<AuditRecord> auditSeen = new ArrayList<>();

    AdapterDriver() {
        this(Map.of());
    }

    AdapterDriver(final Map<String, String> settings) {
        final Map<String, String> s = new HashMap<>();
        s.put("rotor.output.format", "json");
        s.put("rotor.audit.below-threshold", "all"); // the rule tests read every decision from the audit
        s.put("kafka.schema.registry.url", "mock://adapter-test");
        s.put("rotor.adapters.ocsf.topics", OCSF);
        s.put("rotor.adapters.vault-audit.topics", VAULT);
        s.put("rotor.adapters.github.topics", GITHUB);
        s.put("rotor.adapters.aws.topics", AWS + "=" + AWS_DLQ);
        s.put("rotor.adapters.ecs.topics", ECS);
        s.putAll(settings);
        this.config = ConfigLoader.defaults(s).withTargets(RotationTargets.parse(TARGETS, "adapter driver"));
        this.topics = new Topics(config);
        this.stateDir = TestDirs.fresh("ttd", "adapters-");
        final StreamsBuilder builder = new StreamsBuilder();
        DetectionTopology.build(builder, config, topics);
        final Properties props = StreamsSettings.forApplication(config, topics, DetectionTopology.APPLICATION_ID);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        this.topology = builder.build(props);
        this.driver = new TopologyTestDriver(topology, props, NOW);
        this.commands = TopologyTopics.output(driver, topics.rotationCommands());
        this.audit = TopologyTopics.output(driver, topics.rotationAudit());
    }

    void send(final String topic, final byte[] value) {
        send(topic, value, NOW);
    }

    void send(final String topic, final byte[] value, final Instant recordTime) {
        driver.createInputTopic(
                        topic,
                        Serdes.ByteArray().serializer(),
                        Serdes.ByteArray().serializer())
                .pipeInput(new TestRecord<>("shipper".getBytes(StandardCharsets.UTF_8), value, recordTime));
    }

    List<KeyValue<String, RotationCommand>> commands() {
        return commands.readKeyValuesToList();
    }

    /** Every audit record so far (reading drains the topic, so they are kept here). */
    List<AuditRecord> audits() {
        audit.readValuesToList().forEach(auditSeen::add);
        return List.copyOf(auditSeen);
    }

    List<AuditRecord> audits(final AuditDecision decision) {
        return audits().stream().filter(a -> a.getDecision() == decision).toList();
    }

    List<TestRecord<byte[], byte[]>> deadLetters(final String topic) {
        return driver.createOutputTopic(
                        topic,
                        Serdes.ByteArray().deserializer(),
                        Serdes.ByteArray().deserializer())
                .readRecordsToList();
    }

    static String header(final TestRecord<byte[], byte[]> record, final String name) {
        final Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Detection's statistics, summed over its two stores. */
    Map<String, Long> statistics() {
        final Map<String, Long> stats = new LinkedHashMap<>(DetectionStatistics.empty());
        for (final String store :
                List.of(DetectionStatistics.EVENT_STATISTICS_STORE, DetectionStatistics.DECISION_STATISTICS_STORE)) {
            final KeyValueStore<String, Long> kv = driver.getKeyValueStore(store);
            DetectionStatistics.addTo(stats, kv);
        }
        return stats;
    }

    @Override
    public void close() {
        driver.close();
        TestDirs.deleteTree(stateDir);
    }
}
