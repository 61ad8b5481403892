package dev.rotor.rotation;

import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.Notification;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.streams.StuckRecords;
import dev.rotor.streams.Telemetry;
import dev.rotor.testing.TestDirs;
import dev.rotor.testing.TopologyTopics;
import dev.rotor.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** rotor-executor in a TopologyTestDriver with a scripted rotator; the worker threads are real. */
final class ExecutorDriver implements AutoCloseable {
    final RotorConfig config;
    final Topics topics;
    final ScriptedRotator rotator = new ScriptedRotator();
    private final RotationWorkers workers;
    final TopologyTestDriver driver;
    private final TestInputTopic<String, RotationCommand> commands;
    private final TestOutputTopic<String, RotationResult> results;
    private final TestOutputTopic<String, Notification> alerts;
    private final TestOutputTopic<String, Notification> critical;
    private final TestOutputTopic<String, AuditRecord> audit;
    private final TestInputTopic<String, String> control;
    final List<KeyValue<String, RotationResult>> resultsSeen = new ArrayList<>();
    final List<Notification> alertsSeen = new ArrayList<>();
    final List<Notification> criticalSeen = new ArrayList<>();
    final List<AuditRecord> auditSeen = new ArrayList<>();
    private long wallClock = Instant.parse("2026-11-25T12:00:00Z").toEpochMilli();

    ExecutorDriver() {
        this(Map.of());
    }

    ExecutorDriver(final Map<String, String> settings) {
        this(settings, 4);
    }

    ExecutorDriver(final Map<String, String> settings, final int workerThreads) {
        workers = new RotationWorkers(workerThreads);
        final Map<String, String> s = new HashMap<>(
                Map.of("rotor.output.format", "json", "kafka.schema.registry.url", "mock://executor-test"));
        s.putAll(settings);
        config = ConfigLoader.defaults(s);
        topics = new Topics(config);
        final StreamsBuilder builder = new StreamsBuilder();
        RotationTopology.build(builder, ExecutorSetup.of(config, topics, rotator, workers));
        final Properties props =
                RotationTopology.streamsProperties(config, topics, Telemetry.NONE, new StuckRecords(Telemetry.NONE));
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                TestDirs.fresh("ttd", "executor-").toString());
        driver = new TopologyTestDriver(builder.build(props), props, Instant.ofEpochMilli(wallClock));
        commands = TopologyTopics.input(driver, topics.rotationCommands());
        results = TopologyTopics.output(driver, topics.rotationResults());
        alerts = TopologyTopics.output(driver, topics.securityAlerts());
        critical = TopologyTopics.output(driver, topics.securityCritical());
        audit = TopologyTopics.output(driver, topics.rotationAudit());
        control = driver.createInputTopic(
                config.topics().rotorControl(),
                Serdes.String().serializer(),
                Serdes.String().serializer());
    }

    /** An operator's decision, as {@code rotor approve|release|pause|resume} sends it. */
    void control(final OperatorControls.Control decision) {
        control.pipeInput(decision.key(), decision.toJson());
    }

    /** The driver's wall clock (what the executor calls rotor's clock). */
    long now() {
        return wallClock;
    }

    /** Moves the wall clock on (running the punctuators that fall due) and collects the outputs. */
    void advance(final Duration by) {
        wallClock += by.toMillis();
        driver.advanceWallClockTime(by);
        drain();
    }

    void send(final RotationCommand command) {
        commands.pipeInput(command.getSecretPath(), command);
        drain();
    }

    /** Advances the wall clock (running the publishing punctuator) until {@code done} holds, or fails after 10 s. */
    void runUntil(final Predicate<ExecutorDriver> done) {
        final long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.test(this)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("executor did not get there in 10 s; results so far: " + resultsSeen);
            }
            advance(Duration.ofMillis(10));
            try {
                Thread.sleep(2);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    void runUntilResults(final int n) {
        runUntil(d -> d.resultsSeen.size() >= n);
    }

    private void drain() {
        resultsSeen.addAll(results.readKeyValuesToList());
        alertsSeen.addAll(alerts.readValuesToList());
        criticalSeen.addAll(critical.readValuesToList());
        auditSeen.addAll(audit.readValuesToList());
    }

    Map<String, Long> statistics() {
        final Map<String, Long> m = new LinkedHashMap<>();
        final KeyValueStore<String, Long> store = driver.getKeyValueStore(ExecutorStatistics.STORE);
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(kv -> m.put(kv.key, kv.value));
        }
        return m;
    }

    @Override
    public void close() {
        rotator.open();
        driver.close();
        workers.close();
    }
}
