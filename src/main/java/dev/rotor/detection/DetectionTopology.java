package dev.rotor.detection;

import dev.rotor.adapters.Adapters;
import dev.rotor.adapters.SourceAdapter;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.serde.SecurityEventDecoder;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.streams.StuckRecords;
import dev.rotor.streams.Telemetry;
import dev.rotor.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * rotor-detection: security events in; rotation commands and audit records out (DESIGN.md §1–3).
 *
 * <pre>
 * security-events ─ decode-security-events ─┬─ per-secret events ─ events-by-secret-path ─ apply-detection-rules ─┬─ rotation-commands
 * &lt;topic&gt; ─ adapt-&lt;topic&gt; ─ merge-&lt;topic&gt; ──┤                                                                 │
 *                                           └─ rotation-audit                                                  └─ rotation-audit
 * (invalid records and refused paths → security-events-dlq, through the processing exception handler; an adapter
 *  source's unreadable records → its own DLQ, &lt;topic&gt;-dlq by default)
 * </pre>
 * One {@code read-<topic>} / {@code adapt-<topic>} pair per configured adapter source ({@code rotor.adapters.*.topics},
 * issue 6); the adapted events join the native ones before the split, so the same repartition, rules, windows and
 * audit apply to both.
 */
public final class DetectionTopology {
    public static final String APPLICATION_ID = "rotor-detection";
    /** The repartition that gives one secret's events to one task (topic {@code rotor-detection-events-by-secret-path-repartition}). */
    public static final String EVENTS_BY_SECRET_PATH = "events-by-secret-path";
    public static final String SECRET_STATE_STORE = ApplyDetectionRules.STORE;

    /** How often an Avro record waiting for the schema registry is tried again. */
    static final Duration REGISTRY_RETRY_EVERY = Duration.ofSeconds(2);
    /** How long an Avro record may wait for the schema registry before it is dead-lettered. */
    static final Duration REGISTRY_MAX_WAIT = Duration.ofMinutes(30);
    /** How many Avro records one task keeps waiting for the schema registry; more are dead-lettered at once. */
    static final long REGISTRY_MAX_WAITING = 100_000;

    private DetectionTopology() {
    }

    /** The id of the command an event asks for on a secret: deterministic, so the executor can refuse a replay. */
    public static String commandId(final String eventId, final String secretPath) {
        return ApplyDetectionRules.commandId(eventId, secretPath);
    }

    /** The detection client's Kafka Streams properties: rotor's defaults, with security-events-dlq as its DLQ. */
    public static Properties streamsProperties(final RotorConfig config, final Topics topics,
                                               final Telemetry telemetry, final StuckRecords stuckRecords) {
        return StreamsSettings.forApplication(config, topics, APPLICATION_ID, topics.securityEventsDlq().name(),
                telemetry, stuckRecords);
    }

    public static void build(final StreamsBuilder builder, final RotorConfig config, final Topics topics) {
        build(builder, config, topics, Telemetry.NONE);
    }

    /** As above, reporting decisions, commands and late events to {@code telemetry} as they are written. */
    public static void build(final StreamsBuilder builder, final RotorConfig config, final Topics topics,
                             final Telemetry telemetry) {
        final SecurityEventDecoder decoder = topics.securityEventDecoder();
        final SecretPathPolicy policy = new SecretPathPolicy(config.targets());
        final RotorConfig.DetectionSettings settings = config.detection();

        builder.addStateStore(DetectionStatistics.store(DetectionStatistics.EVENT_STATISTICS_STORE));
        builder.addStateStore(DetectionStatistics.store(DetectionStatistics.DECISION_STATISTICS_STORE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SECRET_STATE_STORE),
                Serdes.String(), SecretState.serde()).withCachingEnabled());

        builder.addStateStore(AwaitingRegistry.storeBuilder());
        final DecodeSecurityEvents.RegistryWait registryWait = new DecodeSecurityEvents.RegistryWait(
                REGISTRY_RETRY_EVERY, REGISTRY_MAX_WAIT, REGISTRY_MAX_WAITING, topics.securityEventsDlq().name(),
                config.maxRecordBytes(), telemetry);
        KStream<String, DetectionOutput> decoded = builder
                .stream(topics.securityEvents().name(), topics.securityEvents().consumed("read-security-events"))
                .process(() -> new DecodeSecurityEvents(DecodeSecurityEvents.Input.securityEvents(decoder,
                                registryWait), policy, settings.maxClockSkew(), settings.maxEventAge()),
                        Named.as("decode-security-events"), DetectionStatistics.EVENT_STATISTICS_STORE,
                        AwaitingRegistry.STORE);
        for (final Topics.AdapterTopic source : topics.adapterSources()) {
            final String name = source.input().name();
            final SourceAdapter adapter = Adapters.forFormat(source.format(), config.targets().principals());
            final DecodeSecurityEvents.Input input = DecodeSecurityEvents.Input.adapted(adapter,
                    source.deadLetters().name(), settings.maxEventBytes(), config.adapters().auditNotRelevant());
            final KStream<String, DetectionOutput> adapted = builder
                    .stream(name, source.input().consumed("read-" + name))
                    .process(() -> new DecodeSecurityEvents(input, policy, settings.maxClockSkew(),
                                    settings.maxEventAge()),
                            Named.as("adapt-" + name), DetectionStatistics.EVENT_STATISTICS_STORE);
            decoded = decoded.merge(adapted, Named.as("merge-" + name));
        }
        final Map<String, KStream<String, DetectionOutput>> byKind = decoded.split(Named.as("decoded-"))
                .branch((path, out) -> out instanceof DetectionOutput.PerSecretEvent, Branched.as("per-secret-events"))
                .branch((path, out) -> out instanceof DetectionOutput.DeadLetter, Branched.as("dead-letters"))
                .defaultBranch(Branched.as("audits"));
        // records that waited for the schema registry and were then refused: their dead letters carry their headers
        byKind.get("decoded-dead-letters")
                .map((none, out) -> {
                    final DetectionOutput.DeadLetter dl = (DetectionOutput.DeadLetter) out;
                    return KeyValue.pair(dl.record().key(), dl.record().value());
                }, Named.as("unwrap-dead-letters"))
                .to(topics.securityEventsDlq().name(), topics.securityEventsDlq().produced("write-dead-letters"));

        final KStream<String, DetectionOutput> decided = byKind.get("decoded-per-secret-events")
                .mapValues(out -> ((DetectionOutput.PerSecretEvent) out).event(), Named.as("unwrap-per-secret-events"))
                .repartition(Repartitioned.<String, SecurityEvent>as(EVENTS_BY_SECRET_PATH)
                        .withKeySerde(Serdes.String()).withValueSerde(topics.perSecretEventSerde()))
                .process(() -> new ApplyDetectionRules(settings), Named.as("apply-detection-rules"),
                        SECRET_STATE_STORE, DetectionStatistics.DECISION_STATISTICS_STORE);
        final Map<String, KStream<String, DetectionOutput>> decisions = decided.split(Named.as("decided-"))
                .branch((path, out) -> out instanceof DetectionOutput.Command, Branched.as("commands"))
                .defaultBranch(Branched.as("audits"));

        decisions.get("decided-commands")
                .mapValues(out -> ((DetectionOutput.Command) out).command(), Named.as("unwrap-commands"))
                .peek((path, c) -> telemetry.command(c.getRule()), Named.as("measure-commands"))
                .to(topics.rotationCommands().name(), topics.rotationCommands().produced("write-rotation-commands"));
        // two sinks, not a merge: a merge would join the two sides of the repartition into one sub-topology
        writeAudits(byKind.get("decoded-audits"), "decoded", topics, telemetry);
        writeAudits(decisions.get("decided-audits"), "decided", topics, telemetry);
    }

    private static void writeAudits(final KStream<String, DetectionOutput> audits, final String side,
                                    final Topics topics, final Telemetry telemetry) {
        audits.mapValues(out -> ((DetectionOutput.Audit) out).record(), Named.as("unwrap-" + side + "-audits"))
                .peek((key, a) -> {
                    telemetry.decision(a.getDecision().name(), a.getEventType() == null ? "" : a.getEventType());
                    if (a.getDecision() == AuditDecision.LATE) {
                        telemetry.lateEvent();
                    }
                }, Named.as("measure-" + side + "-decisions"))
                .to(topics.rotationAudit().name(), topics.rotationAudit().produced("write-" + side + "-audit"));
    }
}
