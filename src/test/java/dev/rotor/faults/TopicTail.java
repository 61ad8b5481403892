package dev.rotor.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything a topic holds, read incrementally without a consumer group: each {@link #catchUp()} reads from where the
 * last one stopped up to the current end ({@code read_committed}: the last stable offset, so only committed
 * transactions; {@code read_uncommitted}: also records of open and aborted transactions). Not thread-safe.
 */
final class TopicTail implements AutoCloseable {
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(30);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private List<TopicPartition> partitions = List.of();

    private TopicTail(final String bootstrapServers, final String topic, final boolean committedOnly) {
        this.topic = topic;
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // the DLQ copy of a near-limit record with its error headers can exceed the 1 MiB default
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(props);
    }

    /** Committed records only, as rotor's consumers see them. */
    static TopicTail committed(final String bootstrapServers, final String topic) {
        return new TopicTail(bootstrapServers, topic, true);
    }

    /** Every record written, including those of aborted transactions (for diagnosis). */
    static TopicTail uncommitted(final String bootstrapServers, final String topic) {
        return new TopicTail(bootstrapServers, topic, false);
    }

    String topic() {
        return topic;
    }

    /** Reads what arrived since the last call; returns the records new in this call. */
    List<ConsumerRecord<byte[], byte[]>> catchUp() {
        assignNewPartitions();
        final int before = records.size();
        final long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
        final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(10)) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "could not read " + topic + " up to " + end + " within " + CATCH_UP_LIMIT);
            }
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return List.copyOf(records.subList(before, records.size()));
    }

    /** Everything read so far, in partition order within each partition. */
    List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    private void assignNewPartitions() {
        final List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (info == null || info.size() == partitions.size()) {
            return;
        }
        final List<TopicPartition> now = info.stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition))
                .toList();
        final List<TopicPartition> added =
                now.stream().filter(tp -> !partitions.contains(tp)).toList();
        consumer.assign(now);
        consumer.seekToBeginning(added);
        partitions = now;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
