package dev.rotor.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.rotation.ExecutorSetup;
import dev.rotor.rotation.RotationWorkers;
import dev.rotor.streams.StuckRecords;
import dev.rotor.streams.Telemetry;
import dev.rotor.testing.TopologyTopics;
import dev.rotor.topics.Topics;
import dev.rotor.vault.RotationOutcome;
import dev.rotor.vault.SecretRotator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single client: the rules hand each command to the executor in the same task; the topic copy never runs again. */
class RotorTopologyTest {
    private static final String DB = "secret/prod/db";

    @TempDir
    Path stateDir;

    private final List<String> rotated = new CopyOnWriteArrayList<>();
    private final List<RotationResult> results = new ArrayList<>();
    private final List<AuditRecord> audit = new ArrayList<>();
    private RotationWorkers workers;
    private TopologyTestDriver driver;
    private Topics topics;
    private TestInputTopic<byte[], byte[]> events;
    private TestInputTopic<String, RotationCommand> commandsIn;
    private TestOutputTopic<String, RotationCommand> commandsOut;
    private TestOutputTopic<String, RotationResult> resultsOut;
    private TestOutputTopic<String, AuditRecord> auditOut;
    private long wallClock = Instant.parse("2026-12-06T12:00:00Z").toEpochMilli();

    @BeforeEach
    void start() {
        final RotorConfig config = ConfigLoader.defaults(Map.of("rotor.output.format", "json"));
        topics = new Topics(config);
        workers = new RotationWorkers(2);
        final StreamsBuilder builder = new StreamsBuilder();
        final SecretRotator rotator = request -> {
            rotated.add(request.commandId());
            return new RotationOutcome(
                    RotationOutcome.Kind.ROTATED,
                    "kv2",
                    1L,
                    2L,
                    null,
                    List.of(new RotationOutcome.VaultCall("POST", "secret/data/prod/db", 200, 2)),
                    List.of());
        };
        RotorTopology.build(builder, ExecutorSetup.of(config, topics, rotator, workers));
        final Properties props =
                RotorTopology.streamsProperties(config, topics, Telemetry.NONE, new StuckRecords(Telemetry.NONE));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(props), props, Instant.ofEpochMilli(wallClock));
        events = driver.createInputTopic(
                config.topics().securityEvents(),
                Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        commandsIn = TopologyTopics.input(driver, topics.rotationCommands());
        commandsOut = TopologyTopics.output(driver, topics.rotationCommands());
        resultsOut = TopologyTopics.output(driver, topics.rotationResults());
        auditOut = TopologyTopics.output(driver, topics.rotationAudit());
    }

    @AfterEach
    void stop() {
        driver.close();
        workers.close();
    }

    @Test
    void theRulesAndTheExecutorAreOneSubTopology() {
        final RotorConfig config = ConfigLoader.defaults(Map.of("rotor.output.format", "json"));
        final StreamsBuilder builder = new StreamsBuilder();
        RotorTopology.build(builder, ExecutorSetup.of(config, new Topics(config), request -> null, workers));
        final TopologyDescription d = builder.build(RotorTopology.streamsProperties(
                        config, new Topics(config), Telemetry.NONE, new StuckRecords(Telemetry.NONE)))
                .describe();
        assertThat(d.subtopologies())
                .anySatisfy(s -> assertThat(s.nodes())
                        .extracting(TopologyDescription.Node::name)
                        .contains(
                                "apply-detection-rules",
                                "hand-over-commands",
                                "read-rotation-commands",
                                "execute-rotations"));
    }

    @Test
    void aTriggerIsRotatedInTheTaskThatDecidedItAndItsTopicCopyIsNotRunAgain() {
        trigger("evt-1");
        runUntil(() -> results.size() == 1);
        assertThat(results.get(0).getStatus()).isEqualTo(ResultStatus.ROTATED);
        assertThat(rotated).hasSize(1);

        // the command is on rotation-commands too (the record; the input of cascades and other producers), marked
        final List<TestRecord<String, RotationCommand>> written = commandsOut.readRecordsToList();
        assertThat(written).singleElement().satisfies(r -> {
            final Header by = r.headers().lastHeader(Topics.HANDED_OVER_HEADER);
            assertThat(by).isNotNull();
            assertThat(new String(by.value(), StandardCharsets.UTF_8)).isEqualTo("rotor");
            assertThat(r.value().getCommandId()).isEqualTo(results.get(0).getCommandId());
        });
        // ROTATE is audited before the executor starts
        assertThat(audit)
                .extracting(AuditRecord::getDecision)
                .containsSubsequence(
                        AuditDecision.ROTATE, AuditDecision.ROTATION_STARTED, AuditDecision.ROTATION_FINISHED);

        // read back, the copy is skipped: no second rotation, not even a DUPLICATE result
        commandsIn.pipeInput(written.get(0));
        advance(Duration.ofMillis(200));
        assertThat(results).hasSize(1);
        assertThat(rotated).hasSize(1);
    }

    @Test
    void aCommandFromElsewhereRunsAndItsResendIsADuplicate() {
        trigger("evt-1");
        runUntil(() -> results.size() == 1);
        final TestRecord<String, RotationCommand> handedOver =
                commandsOut.readRecordsToList().get(0);
        final RotationCommand original = handedOver.value();

        // the same command without the mark (a producer resending it): the executor answers DUPLICATE, runs nothing
        commandsIn.pipeInput(DB, original);
        // the mark of another deployment's single client (another application-id prefix) does not make it skip
        final RecordHeaders other = new RecordHeaders();
        other.add(Topics.HANDED_OVER_HEADER, "shadow-rotor".getBytes(StandardCharsets.UTF_8));
        commandsIn.pipeInput(new TestRecord<>(DB, original, other, Instant.ofEpochMilli(wallClock)));
        runUntil(() -> results.size() == 3);
        assertThat(results.subList(1, 3))
                .extracting(RotationResult::getStatus)
                .containsExactly(ResultStatus.DUPLICATE, ResultStatus.DUPLICATE);
        assertThat(rotated).hasSize(1);

        // a new command from elsewhere (rotor retry, a cascade, another producer) runs as before
        final RotationCommand other2 = RotationCommand.newBuilder(original)
                .setCommandId("cmd-external")
                .build();
        commandsIn.pipeInput(DB, other2);
        runUntil(() -> results.size() == 4);
        assertThat(results.get(3).getStatus()).isEqualTo(ResultStatus.ROTATED);
        assertThat(rotated).containsExactly(original.getCommandId(), "cmd-external");
    }

    @Test
    void aRefusedEventGoesToTheEventsDeadLetterTopicAsWithTwoClients() {
        final TestOutputTopic<byte[], byte[]> eventsDlq = driver.createOutputTopic(
                topics.securityEventsDlq().name(),
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
        final TestOutputTopic<byte[], byte[]> commandsDlq = driver.createOutputTopic(
                topics.rotationCommandsDlq().name(),
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
        events.pipeInput(null, "{not json".getBytes(StandardCharsets.UTF_8), Instant.ofEpochMilli(wallClock));
        assertThat(eventsDlq.readRecordsToList())
                .singleElement()
                .satisfies(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .isEqualTo("{not json"));
        assertThat(commandsDlq.isEmpty()).isTrue();
        // an unreadable command's way to rotation-commands-dlq is proven on a real broker (SingleClientIT)
    }

    private void trigger(final String id) {
        final String json = "{\"event_id\":\"" + id + "\",\"event_type\":\"manual_trigger\",\"threat_level\":\"low\","
                + "\"affected_resources\":[\"" + DB + "\"],\"timestamp\":\"" + Instant.ofEpochMilli(wallClock) + "\"}";
        events.pipeInput(null, json.getBytes(StandardCharsets.UTF_8), Instant.ofEpochMilli(wallClock));
        drain();
    }

    private void advance(final Duration by) {
        wallClock += by.toMillis();
        driver.advanceWallClockTime(by);
        drain();
    }

    private void runUntil(final BooleanSupplier done) {
        final long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("results so far: %s", results).isLessThan(until);
            advance(Duration.ofMillis(10));
            try {
                Thread.sleep(2);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private void drain() {
        results.addAll(resultsOut.readValuesToList());
        audit.addAll(auditOut.readValuesToList());
    }
}
