package dev.rotor.rotation;

import dev.rotor.avro.Notification;
import dev.rotor.avro.RotationCommand;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.serde.AvroBinarySerde;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.streams.StuckRecords;
import dev.rotor.streams.Telemetry;
import dev.rotor.streams.UnreadableRecordHandler;
import dev.rotor.topics.Topic;
import dev.rotor.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * rotor-executor: rotation commands in; results, notifications, audit records and dependents' commands out (DESIGN.md
 * §4–6).
 *
 * <pre>
 * rotation-commands ─ execute-rotations ─┬─ rotation-results
 *        (operator-controls, global) ─┘  ├─ security-alerts / security-critical
 *                                        ├─ rotation-audit
 *                                        ├─ rotation-commands (dependents)
 *                                        └─ storm-notices (1 partition) ─ announce-storms ─ security-critical
 * rotor-control ─ store-operator-controls ─ operator-controls (every instance reads all of it)
 * </pre>
 */
public final class RotationTopology {
    public static final String APPLICATION_ID = "rotor-executor";
    /**
     * The application id (before {@code rotor.application-id-prefix}) of the single client, which runs detection and
     * the executor together ({@code rotor.single-client=true}, role all; see {@code RotorTopology}).
     */
    public static final String SINGLE_CLIENT_APPLICATION_ID = "rotor";
    /** In the single client: the commands from rotation-commands and those the rules hand over, to one executor. */
    static final String COMMANDS_FROM_TOPIC_AND_RULES = "commands-from-topic-and-rules";

    public static final String PENDING_STORE = ExecuteRotations.PENDING_STORE;
    public static final String EXECUTED_STORE = ExecuteRotations.EXECUTED_STORE;
    /** The topology's node names: the executor forwards each output to its sink by name. */
    static final String READ_COMMANDS = "read-rotation-commands";

    static final String READ_CONTROLS = "read-rotor-control";
    static final String STORM_NOTICES = "storm-notices";
    static final String ANNOUNCE_STORMS = "announce-storms";
    static final String WRITE_STORM_NOTIFICATIONS = "write-storm-notifications";
    static final String EXECUTE = "execute-rotations";
    static final String WRITE_RESULTS = "write-rotation-results";
    static final String WRITE_ALERTS = "write-security-alerts";
    static final String WRITE_CRITICAL = "write-security-critical";
    static final String WRITE_DEPENDENT_COMMANDS = "write-dependent-commands";
    static final String WRITE_AUDIT = "write-executor-audit";
    /** The child of execute-rotations that carries hold notices towards announce-storms. */
    static final String HOLD_NOTICES = "notices-of-held-commands";

    static final String STORM_KEY = "storm";
    public static final String HELD_STORE = ExecuteRotations.HELD_STORE;
    /** How often finished rotations are published (the worker threads finish at any time). */
    static final Duration PUBLISH_EVERY = Duration.ofMillis(10);

    private RotationTopology() {}

    /**
     * The executor client's Kafka Streams properties: rotor's defaults with the commands DLQ as its dead-letter topic,
     * a critical notification for each command it cannot read, and a short poll (its stream thread only waits for
     * Kafka, so finished rotations publish promptly).
     */
    public static Properties streamsProperties(
            final RotorConfig config, final Topics topics, final Telemetry telemetry, final StuckRecords stuckRecords) {
        final Properties props = StreamsSettings.forApplication(
                config, topics, APPLICATION_ID, topics.rotationCommandsDlq().name(), telemetry, stuckRecords);
        addExecutorSettings(props, topics);
        return props;
    }

    /**
     * What a client that runs the executor adds to its properties: a critical notification for each rotation command it
     * cannot read, and a short poll (its stream thread waits for nothing but Kafka, so finished rotations publish
     * promptly).
     */
    public static void addExecutorSettings(final Properties props, final Topics topics) {
        final String commands = topics.rotationCommands().name();
        final UnreadableRecordHandler.Notifier notifier = UnreadableCommands.notifier(topics.securityCritical());
        props.put(UnreadableRecordHandler.NOTIFIER_CONFIG, (UnreadableRecordHandler.Notifier) (record, code, reason) ->
                commands.equals(record.topic()) ? notifier.unreadable(record, code, reason) : List.of());
        props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, 20);
    }

    /** The executor topology, reading its commands from rotation-commands. */
    public static void build(final StreamsBuilder builder, final ExecutorSetup setup) {
        build(builder, setup, Optional.empty());
    }

    /**
     * The executor topology, also taking the commands {@code handedOver} by the rules of the same client (the single
     * client): they join the commands read from rotation-commands in one {@code execute-rotations}, which is what puts
     * the rules and the executor into one sub-topology and one transaction.
     */
    public static void build(
            final StreamsBuilder builder,
            final ExecutorSetup setup,
            final Optional<KStream<String, RotationCommand>> handedOver) {
        final RotorConfig config = setup.config();
        final Topics topics = setup.topics();
        final int commandPartitions = setup.commandPartitions();
        final SecretPathPolicy policy = new SecretPathPolicy(config.targets());
        final RotorConfig.ExecutorSettings executor = config.executor();
        // a closing task waits at most for one Vault call to time out before handing its secrets over
        final Duration closeWait =
                executor.connectTimeout().plus(executor.readTimeout()).plusSeconds(1);
        // a secret's queue is one store value: half the producer's limit leaves room for its changelog record
        final ExecuteRotations.Settings settings = new ExecuteRotations.Settings(
                executor.rotationDeadline(),
                PUBLISH_EVERY,
                closeWait,
                config.dryRun(),
                executor.maxQueuedPerSecret(),
                config.maxRecordBytes() / 2,
                config.breaker(),
                commandPartitions,
                executor.vaultCallAudit(),
                topics.rotationCommands().name(),
                config.applicationId(SINGLE_CLIENT_APPLICATION_ID));

        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), CommandQueue.serde())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(EXECUTED_STORE), Serdes.String(), ExecutedCommand.serde())
                .withCachingEnabled());
        builder.addStateStore(ExecutorStatistics.store());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ExecuteRotations.INTENTS_STORE),
                        Serdes.String(),
                        Serdes.String())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(HELD_STORE), Serdes.String(), HeldCommand.serde())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StormBreaker.BUDGET_STORE),
                        Serdes.String(),
                        StormBreaker.startsSerde())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(AnnounceStorms.STORE), Serdes.String(), StormBreaker.startsSerde()));
        // every instance needs every operator decision: a global store, read from the first record at each start
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(OperatorControls.STORE), Serdes.String(), Serdes.String())
                        .withLoggingDisabled(),
                topics.rotorControl().name(),
                topics.rotorControl().consumed(READ_CONTROLS),
                StoreOperatorControls::new);

        final KStream<String, RotationCommand> fromTopic = builder.stream(
                topics.rotationCommands().name(), topics.rotationCommands().consumed(READ_COMMANDS));
        final KStream<Object, Object> executed = handedOver
                .map(rules -> fromTopic.merge(rules, Named.as(COMMANDS_FROM_TOPIC_AND_RULES)))
                .orElse(fromTopic)
                .process(
                        () -> new ExecuteRotations(
                                setup.rotator(), setup.workers(), policy, settings, setup.telemetry()),
                        Named.as(EXECUTE),
                        PENDING_STORE,
                        EXECUTED_STORE,
                        ExecutorStatistics.STORE,
                        HELD_STORE,
                        StormBreaker.BUDGET_STORE,
                        ExecuteRotations.INTENTS_STORE);
        topics.rotationResults().sinkOf(executed, WRITE_RESULTS);
        topics.securityAlerts().sinkOf(executed, WRITE_ALERTS);
        topics.securityCritical().sinkOf(executed, WRITE_CRITICAL);
        topics.rotationCommands().sinkOf(executed, WRITE_DEPENDENT_COMMANDS);
        topics.rotationAudit().sinkOf(executed, WRITE_AUDIT);

        // one task sees every hold, so a storm is announced once, not once per partition or per secret
        final KStream<String, Notification> announced = Topic.<String, Notification>narrowed(executed)
                .filter((k, v) -> true, Named.as(HOLD_NOTICES))
                .repartition(Repartitioned.<String, Notification>as(STORM_NOTICES)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(AvroBinarySerde.of(Notification.class))
                        .withNumberOfPartitions(1))
                .process(
                        () -> new AnnounceStorms(
                                config.breaker().window(), config.breaker().holdExpiry()),
                        Named.as(ANNOUNCE_STORMS),
                        AnnounceStorms.STORE);
        topics.securityCritical().sinkOf(Topic.narrowed(announced), WRITE_STORM_NOTIFICATIONS);
    }
}
