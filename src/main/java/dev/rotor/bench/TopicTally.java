package dev.rotor.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a measured job committed to one of its output topics: every committed record read once (read_committed, from the
 * beginning to the last stable offset), counted per key. The bench's checks use it to refuse a figure whose job did not
 * write what it must have (a command for every direct trigger and every brute-force burst, say).
 *
 * @param records committed records
 * @param perKey committed records per key
 */
record TopicTally(long records, Map<String, Integer> perKey) {
    /** Reads {@code topic} to its end; fails after {@code timeout}. */
    static TopicTally read(final String bootstrap, final String topic, final Duration timeout) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        final Map<String, Integer> perKey = new HashMap<>();
        long records = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            final List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in " + timeout);
                }
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    perKey.merge(r.key() == null ? "" : r.key(), 1, Integer::sum);
                }
            }
        }
        return new TopicTally(records, perKey);
    }

    private static boolean reached(final KafkaConsumer<?, ?> consumer, final Map<TopicPartition, Long> end) {
        for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The keys of {@code expected} that have no record. */
    List<String> missing(final Collection<String> expected) {
        return expected.stream().filter(k -> !perKey.containsKey(k)).toList();
    }

    /** A problem description when some expected key is missing, naming at most three of them. */
    static String describeMissing(final String what, final List<String> missing, final int expected) {
        return what + ": " + missing.size() + " of " + expected + " expected commands missing (e.g. "
                + String.join(", ", missing.subList(0, Math.min(3, missing.size()))) + ")";
    }
}
