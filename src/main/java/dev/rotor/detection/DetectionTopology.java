package dev.rotor.detection;

import dev.rotor.adapters.Adapters;
import dev.rotor.adapters.SourceAdapter;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.serde.SecurityEventDecoder;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.streams.StuckRecords;
import dev.rotor.streams.Telemetry;
import dev.rotor.topics.Topic;
import dev.rotor.topics.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * rotor-detection: security events in; rotation commands and audit records out (DESIGN.md §1–3).
 *
 * <pre>
 * read-security-events ── decode-security-events ──┬── events-by-secret-path ── apply-detection-rules ──┬── ...
 *   security-events and every                      ├── write-decoded-audit                              │
 *   adapter source topic                           └── write-dead-letters                               │
 *                                                                                                       │
 *                                                                         write-rotation-commands ──────┤
 *                                                                         write-decided-audit ──────────┘
 * </pre>
 *
 * One reader and one decoder take {@code security-events} and every configured adapter source
 * ({@code rotor.adapters.*.topics}), so native and adapted events meet the same checks, the same repartition by secret
 * path, the same rules, windows and audit. Each processor forwards each kind of output to its sink by name: the
 * topology shows business steps, not split and unwrap glue. Records refused while being decoded go to
 * security-events-dlq (an adapter source's to its own DLQ, {@code <topic>-dlq} by default) through the processing
 * exception handler; {@code write-dead-letters} carries those refused later, after waiting for the schema registry.
 */
public final class DetectionTopology {
    public static final String APPLICATION_ID = "rotor-detection";
    /**
     * The repartition that gives one secret's events to one task (topic
     * {@code rotor-detection-events-by-secret-path-repartition}).
     */
    public static final String EVENTS_BY_SECRET_PATH = "events-by-secret-path";
    /** The topology's node names: processors forward each output to its child by name. */
    static final String READ_INPUTS = "read-security-events";

    static final String DECODE = "decode-security-events";
    static final String TO_RULES = EVENTS_BY_SECRET_PATH + "-repartition-filter";
    static final String WRITE_DECODED_AUDIT = "write-decoded-audit";
    static final String WRITE_DEAD_LETTERS = "write-dead-letters";
    static final String APPLY_RULES = "apply-detection-rules";
    static final String WRITE_COMMANDS = "write-rotation-commands";
    static final String WRITE_DECIDED_AUDIT = "write-decided-audit";
    /** In the single client: the rules' commands on their way to the executor, in the same task. */
    public static final String HAND_OVER = "hand-over-commands";

    public static final String SECRET_STATE_STORE = ApplyDetectionRules.STORE;

    /** How often an Avro record waiting for the schema registry is tried again. */
    static final Duration REGISTRY_RETRY_EVERY = Duration.ofSeconds(2);

    private DetectionTopology() {}

    /** The id of the command an event asks for on a secret: deterministic, so the executor can refuse a replay. */
    public static String commandId(final String eventId, final String secretPath) {
        return ApplyDetectionRules.commandId(eventId, secretPath);
    }

    /** The detection client's Kafka Streams properties: rotor's defaults, with security-events-dlq as its DLQ. */
    public static Properties streamsProperties(
            final RotorConfig config, final Topics topics, final Telemetry telemetry, final StuckRecords stuckRecords) {
        return StreamsSettings.forApplication(
                config, topics, APPLICATION_ID, topics.securityEventsDlq().name(), telemetry, stuckRecords);
    }

    public static void build(final StreamsBuilder builder, final RotorConfig config, final Topics topics) {
        build(builder, config, topics, Telemetry.NONE);
    }

    /** As above, reporting decisions, commands and late events to {@code telemetry} as they are written. */
    public static void build(
            final StreamsBuilder builder, final RotorConfig config, final Topics topics, final Telemetry telemetry) {
        build(builder, config, topics, telemetry, null, 0);
    }

    /**
     * Detection for the single client: as {@link #build(StreamsBuilder, RotorConfig, Topics, Telemetry)}, and every
     * command the rules issue is also returned on a stream for the executor to take in the same task. The copy written
     * to rotation-commands carries {@code handedOverBy} in header {@value Topics#HANDED_OVER_HEADER}, so an executor
     * reading it back knows it ran already.
     *
     * <p>The repartition by secret path gets exactly {@code commandPartitions} partitions, the count of
     * rotation-commands: Kafka Streams does not co-partition the inputs of a merge by itself, and a secret's rules and
     * its executor state must share a task (both are keyed by secret path with the default partitioner). A repartition
     * topic left from a different count stops the client at start rather than splitting a secret over two tasks.
     */
    public static KStream<String, RotationCommand> buildHandingOver(
            final StreamsBuilder builder,
            final RotorConfig config,
            final Topics topics,
            final Telemetry telemetry,
            final String handedOverBy,
            final int commandPartitions) {
        return Topic.narrowed(build(builder, config, topics, telemetry, handedOverBy, commandPartitions)
                .filter((k, v) -> true, Named.as(HAND_OVER)));
    }

    /** The repartition by secret path; {@code partitions} 0: as many as the input topics have. */
    private static Repartitioned<String, SecurityEvent> bySecretPath(final Topics topics, final int partitions) {
        final Repartitioned<String, SecurityEvent> r = Repartitioned.<String, SecurityEvent>as(EVENTS_BY_SECRET_PATH)
                .withKeySerde(Serdes.String())
                .withValueSerde(topics.perSecretEventSerde());
        return partitions > 0 ? r.withNumberOfPartitions(partitions) : r;
    }

    private static KStream<Object, Object> build(
            final StreamsBuilder builder,
            final RotorConfig config,
            final Topics topics,
            final Telemetry telemetry,
            final String handedOverBy,
            final int partitions) {
        final SecurityEventDecoder decoder = topics.securityEventDecoder();
        final SecretPathPolicy policy = new SecretPathPolicy(config.targets());
        final RotorConfig.DetectionSettings settings = config.detection();

        builder.addStateStore(DetectionStatistics.store(DetectionStatistics.EVENT_STATISTICS_STORE));
        builder.addStateStore(DetectionStatistics.store(DetectionStatistics.DECISION_STATISTICS_STORE));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(SECRET_STATE_STORE), Serdes.String(), SecretState.serde())
                .withCachingEnabled());

        builder.addStateStore(AwaitingRegistry.storeBuilder());
        final DecodeSecurityEvents.RegistryWait registryWait = new DecodeSecurityEvents.RegistryWait(
                REGISTRY_RETRY_EVERY,
                config.registryWait().maxWait(),
                config.registryWait().maxWaiting(),
                topics.securityEventsDlq().name(),
                config.maxRecordBytes(),
                telemetry);
        final Map<String, DecodeSecurityEvents.Input> inputs = new LinkedHashMap<>();
        inputs.put(topics.securityEvents().name(), DecodeSecurityEvents.Input.securityEvents(decoder, registryWait));
        for (final Topics.AdapterTopic source : topics.adapterSources()) {
            final SourceAdapter adapter =
                    Adapters.forFormat(source.format(), config.targets().principals());
            inputs.put(
                    source.input().name(),
                    DecodeSecurityEvents.Input.adapted(
                            adapter,
                            source.deadLetters().name(),
                            settings.maxEventBytes(),
                            config.adapters().auditNotRelevant()));
        }

        // one reader and one decoder for every input, so every event, native or adapted, meets the same checks and
        // reaches the rules through the same repartition; the decoder forwards each output to its sink by name
        final KStream<Object, Object> decoded = builder.stream(
                        List.copyOf(inputs.keySet()), topics.securityEvents().consumed(READ_INPUTS))
                .process(
                        () -> new DecodeSecurityEvents(
                                inputs, policy, settings.maxClockSkew(), settings.maxEventAge(), telemetry),
                        Named.as(DECODE),
                        DetectionStatistics.EVENT_STATISTICS_STORE,
                        AwaitingRegistry.STORE);
        topics.rotationAudit().sinkOf(decoded, WRITE_DECODED_AUDIT);
        topics.securityEventsDlq().sinkOf(decoded, WRITE_DEAD_LETTERS);

        final KStream<String, SecurityEvent> perSecretEvents = Topic.narrowed(decoded);
        final KStream<Object, Object> decided = perSecretEvents
                .repartition(bySecretPath(topics, partitions))
                .process(
                        () -> new ApplyDetectionRules(settings, telemetry, handedOverBy),
                        Named.as(APPLY_RULES),
                        SECRET_STATE_STORE,
                        DetectionStatistics.DECISION_STATISTICS_STORE);
        topics.rotationCommands().sinkOf(decided, WRITE_COMMANDS);
        // two audit sinks, not a merge: a merge would join the two sides of the repartition into one sub-topology
        topics.rotationAudit().sinkOf(decided, WRITE_DECIDED_AUDIT);
        return decided;
    }
}
