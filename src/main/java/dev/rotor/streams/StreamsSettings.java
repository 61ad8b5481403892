package dev.rotor.streams;

import dev.rotor.config.RotorConfig;
import dev.rotor.topics.Topics;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams properties of one of rotor's clients: rotor's defaults, then the operator's {@code kafka.*}
 * properties, then what rotor must control (the application id and the dead-letter wiring).
 *
 * <p>Callers name a client by its base name ({@code rotor-detection}, {@code rotor-executor}); the application id is
 * that name behind {@code rotor.application-id-prefix} ({@link RotorConfig#applicationId}), applied here and only here,
 * so the consumer group, internal topics, transactional ids and state directory all follow it.
 */
public final class StreamsSettings {
    /** Kafka's default {@code max.request.size}: the largest record a producer sends. */
    public static final int DEFAULT_MAX_RECORD_BYTES = RotorConfig.DEFAULT_MAX_RECORD_BYTES;

    private StreamsSettings() {}

    /**
     * Kafka Streams' partition assignor builds its own {@code StreamsConfig} from the main consumer's properties, which
     * carry only consumer settings, and that copy warns "Processing exception handler is not enabled for the
     * GlobalThread" whatever the client's setting is. Handing the setting to the main consumer too gives the copy the
     * client's value (rotor has no global store; Kafka 5.0 makes {@code true} the default).
     */
    // the setting is deprecated because Kafka 5.0 makes it the default; until then rotor sets it
    @SuppressWarnings("deprecation")
    static final String MAIN_CONSUMER_GLOBAL_HANDLER =
            StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG);

    /** A client's properties with detection's DLQ ({@code security-events-dlq}), no telemetry. */
    public static Properties forApplication(final RotorConfig config, final Topics topics, final String applicationId) {
        return forApplication(
                config,
                topics,
                applicationId,
                topics.securityEventsDlq().name(),
                Telemetry.NONE,
                new StuckRecords(Telemetry.NONE));
    }

    /**
     * A client's properties: rotor's Kafka Streams defaults, then the operator's {@code kafka.*} settings, then what
     * rotor must decide itself (application id, DLQ, handlers).
     *
     * @param applicationId the client's base name; the application id is {@code config.applicationId(applicationId)}
     * @param deadLetterTopic where records this client refuses go (Kafka Streams' DLQ setting)
     * @param stuckRecords the watch that the handlers and the uncaught-exception handler of this client share
     */
    // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG: see MAIN_CONSUMER_GLOBAL_HANDLER
    @SuppressWarnings("deprecation")
    public static Properties forApplication(
            final RotorConfig config,
            final Topics topics,
            final String applicationId,
            final String deadLetterTopic,
            final Telemetry telemetry,
            final StuckRecords stuckRecords) {
        final Properties p = new Properties();
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // With exactly-once, records are visible downstream only after a commit, and a trigger crosses three
        // (detection's repartition, its commands, the executor's results), waiting on average half an interval at
        // each. 15 ms instead of Kafka's 100 ms keeps its p50 under 100 ms; against 25 ms it took 10-25 ms off the
        // p50s, and detection's throughput moved within its noise (docs/decisions.md, "Steady-state latency, and a
        // 15 ms commit interval").
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 15);
        // Kafka Streams lingers 100 ms per produce by default: three hops would add up to 300 ms under at-least-once
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // Right after a commit, the next transaction's first requests often meet the previous one still completing
        // (CONCURRENT_TRANSACTIONS) and are retried; from the client's default 100 ms that wait was a large part of a
        // trigger's latency under exactly-once (docs/benchmark.md). Backoff still grows to the default 1 s maximum,
        // so an outage is not hammered.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        p.putAll(config.kafka());
        p.putIfAbsent(
                MAIN_CONSUMER_GLOBAL_HANDLER, p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId(applicationId));
        p.put(BoundedRocksDbMemory.LIMIT_CONFIG, Long.toString(config.rocksDbMemoryBytes()));
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OutputLimitHandler.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UnreadableRecordHandler.class);
        p.put(
                DeadLetterHandler.CONTEXT_CONFIG,
                new DeadLetterHandler.Context(
                        topics.rotationAudit().name(),
                        topics.rotationAudit().valueSerde().serializer(),
                        telemetry,
                        config.maxRecordBytes(),
                        stuckRecords));
        return p;
    }
}
