package dev.rotor.service;

import dev.rotor.avro.RotationCommand;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.rotation.ExecutorSetup;
import dev.rotor.rotation.RotationTopology;
import dev.rotor.streams.DeadLetterHandler;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.streams.StuckRecords;
import dev.rotor.streams.Telemetry;
import dev.rotor.topics.Topics;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The single client ({@code --role all} with {@code rotor.single-client=true}; off by default, docs/decisions.md says
 * why): detection and the executor as one Kafka Streams application,
 * {@value RotationTopology#SINGLE_CLIENT_APPLICATION_ID}.
 *
 * <pre>
 * security-events ─ decode-security-events ─ events-by-secret-path ─ apply-detection-rules ─┬─ rotation-commands
 *                                                                                            │  (audit copy)
 *                                                                                            └─ hand-over-commands ─┐
 * rotation-commands (cascades, rotor retry, other producers) ─ read-rotation-commands ──────────────────────────────┤
 *                                                                                    execute-rotations ─ ... ───────┘
 * </pre>
 *
 * <p>Why: with two clients a trigger crossed three transactions in series (the repartition, the rules' commands, the
 * executor's results), each waiting for a commit. Here the rules hand each command to the executor in the same task, so
 * the executor accepts it in the transaction that decided it: one commit fewer per trigger, and one client's
 * transactions instead of two. rotation-commands keeps every command (the audit trail, and the input for cascades,
 * {@code rotor retry} and external producers); the copy written by the rules carries header
 * {@value Topics#HANDED_OVER_HEADER} and is skipped when read back. Both inputs are keyed by secret path, and the
 * repartition gets rotation-commands' partition count, so a secret's rules and its executor state live in one task.
 *
 * <p>A slow Vault still never delays detection: the executor never calls Vault on the stream thread (worker threads,
 * {@code rotor.executor.parallelism}). Limits: a rebalance of the single client waits for in-flight Vault calls of the
 * tasks it moves (bounded by the Vault timeouts), where before only the executor's did.
 */
public final class RotorTopology {
    public static final String APPLICATION_ID = RotationTopology.SINGLE_CLIENT_APPLICATION_ID;

    private RotorTopology() {}

    /**
     * The single client's Kafka Streams properties: rotor's defaults; refused security events go to security-events-dlq
     * and unreadable commands to rotation-commands-dlq with a critical notification, as with two clients.
     */
    public static Properties streamsProperties(
            final RotorConfig config, final Topics topics, final Telemetry telemetry, final StuckRecords stuckRecords) {
        final Properties props = StreamsSettings.forApplication(
                config, topics, APPLICATION_ID, topics.securityEventsDlq().name(), telemetry, stuckRecords);
        props.put(
                DeadLetterHandler.BY_SOURCE_CONFIG,
                Map.of(
                        topics.rotationCommands().name(),
                        topics.rotationCommandsDlq().name()));
        RotationTopology.addExecutorSettings(props, topics);
        return props;
    }

    /** Detection and the executor, the rules handing their commands straight to the executor. */
    public static void build(final StreamsBuilder builder, final ExecutorSetup setup) {
        final KStream<String, RotationCommand> handedOver = DetectionTopology.buildHandingOver(
                builder,
                setup.config(),
                setup.topics(),
                setup.telemetry(),
                setup.config().applicationId(APPLICATION_ID),
                setup.commandPartitions());
        RotationTopology.build(builder, setup, Optional.of(handedOver));
    }
}
