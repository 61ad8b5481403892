package dev.rotor.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Proves that {@link EmbeddedKafka} supports what rotor needs: transactions, read_committed and EOS Streams. */
class EmbeddedKafkaIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @BeforeAll
    static void reportStartup() {
        LOG.info(
                "embedded Kafka at {} started in {} ms",
                KAFKA.bootstrapServers(),
                KAFKA.kafka().startupTime().toMillis());
    }

    @Test
    void committedTransactionIsReadByReadCommittedConsumers() {
        String topic = "it-committed";
        KAFKA.createTopics(3, topic);

        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("it-committed-tx")) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 30; i++) {
                producer.send(record(topic, "key-" + i, "value-" + i));
            }
            producer.commitTransaction();
        }

        List<ConsumerRecord<byte[], byte[]>> read = KAFKA.readRecords(topic, 30, TIMEOUT);
        assertThat(read)
                .extracting(EmbeddedKafkaIT::value)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 30).mapToObj(i -> "value-" + i).toList());
        assertThat(EmbeddedKafka.byPartition(read))
                .as("records spread over all partitions")
                .containsOnlyKeys(0, 1, 2);

        // A consumer group needs the offsets topic (replication factor 1 on a single broker) to work at all.
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.consumerProps("it-group"))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> consumed = new ArrayList<>();
            await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(consumed::add);
                return consumed.size() >= 30;
            });
            consumer.commitSync();
            assertThat(consumed).hasSize(30);
        }
        try (var admin = KAFKA.kafka().admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = await().atMost(TIMEOUT)
                    .until(
                            () -> admin.listConsumerGroupOffsets("it-group")
                                    .partitionsToOffsetAndMetadata()
                                    .get(),
                            offsets -> offsets.size() == 3);
            // Each partition also holds the transaction's commit marker, which takes one offset.
            EmbeddedKafka.byPartition(read)
                    .forEach((partition, records) -> assertThat(committed
                                    .get(new TopicPartition(topic, partition))
                                    .offset())
                            .isBetween((long) records.size(), records.size() + 1L));
        }
    }

    @Test
    void abortedTransactionIsInvisibleToReadCommitted() {
        String topic = "it-aborted";
        KAFKA.createTopics(3, topic);

        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("it-aborted-tx")) {
            producer.initTransactions();

            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(record(topic, "key-" + i, "aborted-" + i));
            }
            producer.flush(); // the aborted records really reach the log
            producer.abortTransaction();

            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(record(topic, "key-" + i, "committed-" + i));
            }
            producer.commitTransaction();
        }

        List<ConsumerRecord<byte[], byte[]>> visible = KAFKA.readAllCommitted(topic, TIMEOUT);
        assertThat(visible)
                .extracting(EmbeddedKafkaIT::value)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 10).mapToObj(i -> "committed-" + i).toList());
        // Nothing else turns up when waiting for more.
        assertThat(KAFKA.readRecords(topic, 11, Duration.ofSeconds(1))).hasSize(10);

        // The aborted records are in the log: a read_uncommitted consumer sees them.
        Map<String, Object> uncommitted = KAFKA.consumerProps("it-uncommitted");
        uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(uncommitted)) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(value(r)));
                return values.size() >= 20;
            });
            assertThat(values)
                    .hasSize(20)
                    .filteredOn(v -> v.startsWith("aborted-"))
                    .hasSize(10);
        }
    }

    @Test
    void exactlyOnceStreamsAppRunsAgainstTheBroker() throws IOException {
        Path stateDir = TestDirs.fresh("it", "streams-state-");
        String input = "it-streams-in";
        String output = "it-streams-out";
        KAFKA.createTopics(3, input, output);

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey()
                .count(Materialized.as("login-counts"))
                .toStream()
                .mapValues(count -> Long.toString(count))
                .to(output, Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.putAll(KAFKA.kafka().streamsProps("it-streams", stateDir));

        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                for (int i = 0; i < 12; i++) {
                    producer.send(record(input, "user-" + (i % 3), "login"));
                }
            }
            // Counts are committed transactionally; read_committed sees the final count 4 for every key.
            await().atMost(TIMEOUT).untilAsserted(() -> {
                Map<String, String> latest = new HashMap<>();
                KAFKA.readAllCommitted(output, TIMEOUT).forEach(r -> latest.put(key(r), value(r)));
                assertThat(latest)
                        .containsExactlyInAnyOrderEntriesOf(Map.of("user-0", "4", "user-1", "4", "user-2", "4"));
            });
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        } finally {
            TestDirs.deleteTree(stateDir);
        }
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
        Map<String, Object> props = KAFKA.producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key.getBytes(UTF_8), value.getBytes(UTF_8));
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), UTF_8);
    }

    private static String value(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), UTF_8);
    }
}
