package dev.rotor.bench;

import dev.rotor.config.RotorConfig;
import dev.rotor.streams.DeadLetterHandler;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Baseline (b3): the smallest Kafka Streams job that does what rotor's detection decides, so c/b3 is rotor's own
 * overhead — its decoding and validation, audit, statistics, dead letters and richer records — over its algorithm.
 *
 * <pre>
 * read-events ── parse-and-key-by-path ── events-by-secret-path (repartition) ── apply-per-key-rules ── write-commands
 * </pre>
 *
 * Jackson's streaming parser and rotor's trigger matrix ({@link PerKeyEvent}), a repartition by secret path carrying a
 * 17-byte-plus-id value, rotor's per-secret algorithm on one store value per secret ({@link PerKeyRules}), commands as
 * small JSON. Run with rotor's own Kafka Streams settings less its dead-letter wiring ({@link #streamsSettings}).
 */
final class PerKeyBaselineTopology {
    static final String REPARTITION = "events-by-secret-path";
    /** The settings {@link #streamsSettings} leaves out (shown in the summary's configuration). */
    static final List<String> DLQ_SETTINGS = List.of(
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            DeadLetterHandler.CONTEXT_CONFIG);

    private PerKeyBaselineTopology() {}

    static Topology build(
            final String input,
            final String commands,
            final RotorConfig.DetectionSettings settings,
            final PerKeyCounters counters,
            final Properties props) {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(PerKeyRules.store());
        builder.stream(
                        input,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-events"))
                .process(() -> new PerKeyParse(counters), Named.as("parse-and-key-by-path"))
                .repartition(Repartitioned.<String, PerKeyEvent>as(REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(PerKeyEvent.serde()))
                .process(() -> new PerKeyRules(settings, counters), Named.as("apply-per-key-rules"), PerKeyRules.STORE)
                .to(commands, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("write-commands"));
        return builder.build(props);
    }

    /**
     * rotor's Kafka Streams properties for a client (guarantee, commit interval, cache, RocksDB bound, producer linger,
     * optimisation, the operator's {@code kafka.*}), less what only rotor's features need: the dead-letter topic and
     * the exception handlers that write to it or to the audit (Kafka Streams' defaults instead: fail).
     */
    static Properties streamsSettings(final Properties rotors) {
        final Properties p = new Properties();
        p.putAll(rotors);
        for (final String key : DLQ_SETTINGS) {
            p.remove(key);
        }
        return p;
    }
}
