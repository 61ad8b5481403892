package dev.rotor.replay;

import dev.rotor.config.ConfigException;
import dev.rotor.config.RotorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-publishes dead letters to the topics they were refused from (README "DLQ replay").
 *
 * <ol>
 *   <li>Reads the DLQ from the first record at or after {@code since} (all of it without) up to its end as it was when
 *       the replay started, so records dead-lettered again during the replay are not replayed in a loop. Only committed
 *       records are read; no consumer group is used and nothing is committed.
 *   <li>Each dead letter is judged by {@link DeadLetterVerdict}; the picked and replayable ones are sent with an
 *       idempotent producer ({@code acks=all}), in DLQ order per partition, and waited for. A dry run sends nothing and
 *       reports what it would send.
 *   <li>Idempotence is rotor's, not the replay's: replaying twice republishes twice; detection recognises the event by
 *       its id and the executor the command by its deterministic id (README "DLQ replay" says what that covers).
 * </ol>
 */
public final class DeadLetterReplay {
    private static final Duration POLL = Duration.ofMillis(500);

    private final RotorConfig config;

    public DeadLetterReplay(final RotorConfig config) {
        this.config = config;
    }

    /**
     * Replays {@code dlqTopic}.
     *
     * @param timeout how long reading may take before the replay stops (what was sent stays sent)
     * @throws ConfigException when the DLQ topic does not exist
     * @throws IllegalStateException when the DLQ could not be read to its end within {@code timeout}
     */
    public ReplaySummary replay(
            final String dlqTopic, final ReplayFilter filter, final boolean dryRun, final Duration timeout) {
        final ReplaySummary summary = new ReplaySummary(dlqTopic, filter, dryRun);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
                KafkaProducer<byte[], byte[]> producer = dryRun ? null : new KafkaProducer<>(producerProperties())) {
            final Map<String, List<PartitionInfo>> topics = consumer.listTopics(timeout);
            final List<PartitionInfo> infos = topics.get(dlqTopic);
            if (infos == null || infos.isEmpty()) {
                throw new ConfigException("--topic", "topic " + dlqTopic + " does not exist");
            }
            final List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            position(consumer, partitions, filter, end, timeout);
            final Set<String> existing = Set.copyOf(topics.keySet());
            final List<Sent> sent = new ArrayList<>();
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, partitions, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + dlqTopic + " to its end within "
                            + timeout.toSeconds() + " s (read " + summary.read() + ")");
                }
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // dead-lettered after the replay started
                    }
                    final DeadLetterVerdict verdict = DeadLetterVerdict.of(r, filter, existing);
                    summary.count(verdict);
                    if (verdict instanceof DeadLetterVerdict.Republish rep) {
                        if (dryRun) {
                            summary.republished(rep);
                        } else {
                            sent.add(new Sent(rep, producer.send(rep.record())));
                        }
                    }
                }
            }
            if (producer != null) {
                producer.flush();
            }
            for (final Sent s : sent) {
                try {
                    s.future().get();
                    summary.republished(s.verdict());
                } catch (final ExecutionException e) {
                    summary.failed(
                            e.getCause() == null
                                    ? "unknown"
                                    : e.getCause().getClass().getSimpleName());
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    summary.failed("interrupted");
                }
            }
        }
        return summary;
    }

    private record Sent(DeadLetterVerdict.Republish verdict, Future<RecordMetadata> future) {}

    private static void position(
            final KafkaConsumer<byte[], byte[]> consumer,
            final List<TopicPartition> partitions,
            final ReplayFilter filter,
            final Map<TopicPartition, Long> end,
            final Duration timeout) {
        if (filter.since().isEmpty()) {
            consumer.seekToBeginning(partitions);
            return;
        }
        final Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, filter.since().get().toEpochMilli()));
        // the earliest record at or after the time: every record before it is older (a later one may be older too;
        // the filter checks each)
        final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
        for (final TopicPartition tp : partitions) {
            final OffsetAndTimestamp o = found.get(tp);
            consumer.seek(tp, o == null ? end.get(tp) : o.offset());
        }
    }

    private static boolean reachedEnd(
            final KafkaConsumer<byte[], byte[]> consumer,
            final List<TopicPartition> partitions,
            final Map<TopicPartition, Long> end) {
        for (final TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Object> consumerProperties() {
        final Map<String, Object> props = new HashMap<>(config.kafka());
        props.keySet().retainAll(ConsumerConfig.configNames());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "rotor-dlq-replay");
        return props;
    }

    private Map<String, Object> producerProperties() {
        final Map<String, Object> props = new HashMap<>(config.kafka());
        props.keySet().retainAll(ProducerConfig.configNames());
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "rotor-dlq-replay");
        return props;
    }
}
