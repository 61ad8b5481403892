package dev.rotor.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches a Kafka Streams application's consumer group: how many records of the input topic it has committed, and
 * whether its internal repartition topics are fully consumed too. "Done" means every input record is committed and
 * every repartition partition's committed offset has reached its end offset (less one, for the transaction marker that
 * ends the last transaction a consumer may not have fetched past yet).
 */
final class GroupWatcher implements AutoCloseable {
    private final Admin admin;
    private final String groupId;
    private final String inputTopic;

    GroupWatcher(final String bootstrap, final String groupId, final String inputTopic) {
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000));
        this.groupId = groupId;
        this.inputTopic = inputTopic;
    }

    /** The group's committed offsets (empty before its first commit). */
    Map<TopicPartition, Long> committed() throws InterruptedException {
        try {
            final Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            final Map<TopicPartition, Long> out = new HashMap<>();
            m.forEach((tp, om) -> {
                if (om != null) {
                    out.put(tp, om.offset());
                }
            });
            return out;
        } catch (final ExecutionException | TimeoutException e) {
            return Map.of();
        }
    }

    /** Sum of the committed offsets on the input topic (= records committed, as the topic starts at offset 0). */
    static long inputCommitted(final Map<TopicPartition, Long> committed, final String inputTopic) {
        return committed.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(inputTopic))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    long inputCommitted() throws InterruptedException {
        return inputCommitted(committed(), inputTopic);
    }

    /** True when every input record and every record of the group's repartition topics is committed. */
    boolean drained(final long inputRecords) throws InterruptedException, ExecutionException {
        final Map<TopicPartition, Long> committed = committed();
        if (inputCommitted(committed, inputTopic) < inputRecords) {
            return false;
        }
        final List<String> internal = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(groupId + "-") && t.endsWith("-repartition"))
                .toList();
        if (internal.isEmpty()) {
            return true;
        }
        final Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        admin.describeTopics(internal)
                .allTopicNames()
                .get()
                .forEach((t, d) -> d.partitions()
                        .forEach(p -> ends.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
        final Map<TopicPartition, Long> endOffsets = new HashMap<>();
        admin.listOffsets(ends).all().get().forEach((tp, info) -> endOffsets.put(tp, info.offset()));
        for (final Map.Entry<TopicPartition, Long> e : endOffsets.entrySet()) {
            final long end = e.getValue();
            final long at = committed.getOrDefault(e.getKey(), 0L);
            if (end > 0 && at < end - 1) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        admin.close();
    }
}
