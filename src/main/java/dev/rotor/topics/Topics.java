package dev.rotor.topics;

import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.Notification;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SourceFormat;
import dev.rotor.serde.AvroBinarySerde;
import dev.rotor.serde.AvroJson;
import dev.rotor.serde.BoundedSerde;
import dev.rotor.serde.ConfluentAvroSerde;
import dev.rotor.serde.SecurityEventDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic rotor reads or writes, each with its serdes. Input values stay bytes (the decoder tells JSON from Avro
 * and refuses bad records itself); rotor's own outputs are Confluent-wire Avro or plain JSON
 * ({@code rotor.output.format}); the internal repartition topic uses Avro single-object encoding.
 */
public final class Topics {
    /**
     * Header of a rotation command that the single client's rules wrote to rotation-commands and also handed straight
     * to its executor; its value is that client's application id. An executor of the same deployment reading the
     * command back skips it: it ran already.
     */
    public static final String HANDED_OVER_HEADER = "rotor-handed-over";

    private final RotorConfig config;
    private final Topic<byte[], byte[]> securityEvents;
    private final Topic<byte[], byte[]> securityEventsDlq;
    private final Topic<byte[], byte[]> rotationCommandsDlq;
    private final Topic<String, RotationCommand> rotationCommands;
    private final Topic<String, RotationResult> rotationResults;
    private final Topic<String, Notification> securityAlerts;
    private final Topic<String, Notification> securityCritical;
    private final Topic<String, AuditRecord> rotationAudit;
    private final Topic<String, String> rotorControl;
    private final List<AdapterTopic> adapterSources;

    /** An adapter input: a topic of one foreign format, read as bytes, and its own dead-letter topic. */
    public record AdapterTopic(SourceFormat format, Topic<byte[], byte[]> input, Topic<byte[], byte[]> deadLetters) {}

    public Topics(final RotorConfig config) {
        this.config = config;
        final RotorConfig.TopicNames n = config.topics();
        this.securityEvents = new Topic<>(n.securityEvents(), Serdes.ByteArray(), Serdes.ByteArray());
        this.securityEventsDlq = new Topic<>(n.securityEventsDlq(), Serdes.ByteArray(), Serdes.ByteArray());
        this.rotationCommandsDlq = new Topic<>(n.rotationCommandsDlq(), Serdes.ByteArray(), Serdes.ByteArray());
        this.rotationCommands = new Topic<>(n.rotationCommands(), Serdes.String(), output(RotationCommand.class));
        this.rotationResults = new Topic<>(n.rotationResults(), Serdes.String(), output(RotationResult.class));
        this.securityAlerts = new Topic<>(n.securityAlerts(), Serdes.String(), output(Notification.class));
        this.securityCritical = new Topic<>(n.securityCritical(), Serdes.String(), output(Notification.class));
        this.rotationAudit = new Topic<>(n.rotationAudit(), Serdes.String(), output(AuditRecord.class));
        this.rotorControl = new Topic<>(n.rotorControl(), Serdes.String(), Serdes.String());
        this.adapterSources = config.adapters().sources().stream()
                .map(s -> new AdapterTopic(
                        s.format(),
                        new Topic<>(s.topic(), Serdes.ByteArray(), Serdes.ByteArray()),
                        new Topic<>(s.deadLetterTopic(), Serdes.ByteArray(), Serdes.ByteArray())))
                .toList();
    }

    public Topic<byte[], byte[]> securityEvents() {
        return securityEvents;
    }

    public Topic<byte[], byte[]> securityEventsDlq() {
        return securityEventsDlq;
    }

    /** Where the executor puts rotation commands it cannot read. */
    public Topic<byte[], byte[]> rotationCommandsDlq() {
        return rotationCommandsDlq;
    }

    public Topic<String, RotationCommand> rotationCommands() {
        return rotationCommands;
    }

    public Topic<String, RotationResult> rotationResults() {
        return rotationResults;
    }

    public Topic<String, Notification> securityAlerts() {
        return securityAlerts;
    }

    public Topic<String, Notification> securityCritical() {
        return securityCritical;
    }

    public Topic<String, AuditRecord> rotationAudit() {
        return rotationAudit;
    }

    /** Operator commands (JSON, see {@code OperatorControls}), keyed by what they govern. */
    public Topic<String, String> rotorControl() {
        return rotorControl;
    }

    /**
     * The configured adapter inputs ({@code rotor.adapters.*.topics}), each with its dead-letter topic; may be empty.
     */
    public List<AdapterTopic> adapterSources() {
        return adapterSources;
    }

    /** Serde of the internal {@code events-by-secret-path} repartition topic: one secret's slice of an event. */
    public Serde<SecurityEvent> perSecretEventSerde() {
        return BoundedSerde.of(AvroBinarySerde.of(SecurityEvent.class), config.maxOutputValueBytes());
    }

    /** The input decoder, with Avro support when a schema registry is configured. */
    public SecurityEventDecoder securityEventDecoder() {
        final ConfluentAvroSerde<SecurityEvent> avro =
                config.schemaRegistryUrl().isPresent()
                        ? configured(new ConfluentAvroSerde<>(SecurityEvent.class))
                        : null;
        return new SecurityEventDecoder(config.detection().maxEventBytes(), avro == null ? null : avro.deserializer());
    }

    /**
     * An output's serde, bounded so that no value can exceed what the producer accepts (an oversized output is dropped
     * and its input dead-lettered by the production exception handler, never sent).
     */
    private <T extends SpecificRecord> Serde<T> output(final Class<T> type) {
        final Serde<T> serde = config.outputFormat() == RotorConfig.OutputFormat.JSON
                ? AvroJson.serde(type)
                : configured(new ConfluentAvroSerde<>(type));
        return BoundedSerde.of(serde, config.maxOutputValueBytes());
    }

    private <T extends SpecificRecord> ConfluentAvroSerde<T> configured(final ConfluentAvroSerde<T> serde) {
        serde.configure(Map.copyOf(config.kafka()), false);
        return serde;
    }

    /**
     * {@link #allNames()} without rotor-control: what must exist before rotor starts (the executor makes rotor-control
     * itself when it is missing), and all that a detection-only instance uses.
     */
    public List<String> namesBeforeStart() {
        return allNames().stream().filter(t -> !t.equals(rotorControl.name())).toList();
    }

    /** Every topic rotor reads or writes (not its internal ones), for creation and readiness checks. */
    public List<String> allNames() {
        final List<String> names = new ArrayList<>(List.of(
                securityEvents.name(),
                rotationCommands.name(),
                rotationResults.name(),
                securityAlerts.name(),
                securityCritical.name(),
                rotationAudit.name(),
                securityEventsDlq.name(),
                rotationCommandsDlq.name(),
                rotorControl.name()));
        for (final AdapterTopic a : adapterSources()) {
            if (!names.contains(a.input().name())) {
                names.add(a.input().name());
            }
            if (!names.contains(a.deadLetters().name())) {
                names.add(a.deadLetters().name());
            }
        }
        return names;
    }
}
