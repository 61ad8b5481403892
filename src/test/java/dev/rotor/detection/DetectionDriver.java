package dev.rotor.detection;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationCommand;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.streams.StuckRecords;
import dev.rotor.streams.Telemetry;
import dev.rotor.testing.TestDirs;
import dev.rotor.testing.TopologyTopics;
import dev.rotor.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * rotor's detection topology in a TopologyTestDriver, with the production wiring (same build method, same properties).
 */
final class DetectionDriver implements AutoCloseable {
    /** The driver's wall clock at start; tests place events around it. */
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    final RotorConfig config;
    final Topics topics;
    final TopologyTestDriver driver;
    private final Path stateDir;
    private final TestInputTopic<byte[], byte[]> input;
    private final TestOutputTopic<String, RotationCommand> commands;
    private final TestOutputTopic<String, AuditRecord> audit;
    private final TestOutputTopic<byte[], byte[]> dlq;
    private final List<AuditRecord> auditSeen = new ArrayList<>();

    DetectionDriver() {
        this(Map.of());
    }

    DetectionDriver(final Map<String, String> settings) {
        this(settings, Telemetry.NONE);
    }

    DetectionDriver(final Map<String, String> settings, final Telemetry telemetry) {
        final Map<String, String> s = new HashMap<>();
        s.put("rotor.output.format", "json");
        s.put("rotor.audit.below-threshold", "all"); // the rule tests read every decision from the audit
        s.put("kafka.schema.registry.url", "mock://detection-test");
        s.putAll(settings);
        this.config = ConfigLoader.defaults(s);
        this.topics = new Topics(config);
        this.stateDir = TestDirs.fresh("ttd", "state-");
        final StreamsBuilder builder = new StreamsBuilder();
        DetectionTopology.build(builder, config, topics, telemetry);
        final Properties props =
                DetectionTopology.streamsProperties(config, topics, telemetry, new StuckRecords(telemetry));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        final Topology topology = builder.build(props);
        this.driver = new TopologyTestDriver(topology, props, NOW);
        this.input = driver.createInputTopic(
                config.topics().securityEvents(),
                Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        this.commands = TopologyTopics.output(driver, topics.rotationCommands());
        this.audit = TopologyTopics.output(driver, topics.rotationAudit());
        this.dlq = driver.createOutputTopic(
                config.topics().securityEventsDlq(),
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    /**
     * Sends an event with its event time as the record timestamp, as a SIEM producing in real time would. (The driver
     * runs all sub-topologies in one task, so input timestamps also move the rules' stream time.)
     */
    void send(final Events event) {
        final var ts = event.json().get("timestamp");
        send(event.bytes(), ts != null && ts.isTextual() ? safeInstant(ts.textValue()) : NOW);
    }

    void send(final byte[] value) {
        send(value, NOW);
    }

    void send(final byte[] value, final Instant recordTime) {
        input.pipeInput(new TestRecord<>("siem-key".getBytes(StandardCharsets.UTF_8), value, recordTime));
    }

    private static Instant safeInstant(final String text) {
        try {
            return Instant.parse(text);
        } catch (final DateTimeParseException e) {
            return NOW;
        }
    }

    /** Moves the driver's wall clock (wall-clock punctuations run). */
    void advanceWallClock(final Duration d) {
        driver.advanceWallClockTime(d);
    }

    List<KeyValue<String, RotationCommand>> commands() {
        return commands.readKeyValuesToList();
    }

    /** Every audit record written so far (reading drains the topic, so they are kept here). */
    List<AuditRecord> audits() {
        audit.readValuesToList().forEach(auditSeen::add);
        return List.copyOf(auditSeen);
    }

    List<AuditRecord> audits(final AuditDecision decision) {
        return audits().stream().filter(a -> a.getDecision() == decision).toList();
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return dlq.readRecordsToList();
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

    KeyValueStore<String, Object> secretState() {
        return driver.getKeyValueStore(DetectionTopology.SECRET_STATE_STORE);
    }

    @Override
    public void close() {
        driver.close();
        TestDirs.deleteTree(stateDir);
    }
}
