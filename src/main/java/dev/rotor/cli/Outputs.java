package dev.rotor.cli;

import dev.rotor.config.RotorConfig;
import dev.rotor.serde.AvroJson;
import dev.rotor.serde.ConfluentAvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads rotor's output topics from their current end, for the CLI ({@code trigger --wait}, {@code local --demo}).
 * Values are decoded by their first byte (0: Confluent Avro, else JSON), so it works whatever
 * {@code rotor.output.format} the running instance uses.
 */
final class Outputs implements AutoCloseable {
    private final RotorConfig config;
    private final KafkaConsumer<byte[], byte[]> consumer;

    private final Map<TopicPartition, Long> endAtStart;

    /** Reads what {@code topics} get from now on. */
    Outputs(final RotorConfig config, final List<String> topics) {
        this(config, topics, false);
    }

    /** Reads {@code topics} from their start ({@code fromStart}) or from now on. */
    Outputs(final RotorConfig config, final List<String> topics, final boolean fromStart) {
        this.config = config;
        final Map<String, Object> props = new HashMap<>(config.kafka());
        props.keySet().retainAll(ConsumerConfig.configNames());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props);
        final List<TopicPartition> partitions = topics.stream()
                .flatMap(t -> consumer.partitionsFor(t, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(t, p.partition())))
                .toList();
        consumer.assign(partitions);
        this.endAtStart = consumer.endOffsets(partitions);
        if (fromStart) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        partitions.forEach(consumer::position); // fix the starting point now, before anything is sent
    }

    /** Whether everything the topics held when this reader was made has been read. */
    boolean caughtUp() {
        return endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Polls once and hands every record to {@code sink} as (topic, raw value). */
    void poll(final Duration timeout, final BiConsumer<String, byte[]> sink) {
        for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            sink.accept(r.topic(), r.value());
        }
    }

    <T extends SpecificRecord> T decode(final byte[] bytes, final Class<T> type) {
        if (bytes.length > 0 && bytes[0] == 0) {
            try (ConfluentAvroSerde<T> avro = new ConfluentAvroSerde<>(type)) {
                avro.configure(config.kafka(), false);
                return avro.deserializer().deserialize("cli", bytes);
            }
        }
        return AvroJson.fromBytes(bytes, type);
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
