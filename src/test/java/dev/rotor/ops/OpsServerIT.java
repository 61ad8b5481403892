package dev.rotor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.topics.AdminTopicsCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops endpoints against a real Kafka Streams client on the embedded broker: KafkaStreamsMetrics shows
 * {@code kafka_stream_*} meters, Statistics reads real stores through interactive queries, and readiness follows the
 * client's state and the Admin topics check.
 */
class OpsServerIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final String APP = "ops-it";
    private static final String INPUT = "ops-it-events";
    private static final String LATE_TOPIC = "ops-it-created-later";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Counts like rotor's stores: every record in event-statistics, "ok"/"fail" results in executor-statistics. */
    private static final class CountingProcessor implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, Long> events;
        private KeyValueStore<String, Long> executor;

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            events = context.getStateStore("event-statistics");
            executor = context.getStateStore("executor-statistics");
        }

        @Override
        public void process(final Record<String, String> record) {
            increment(events, "total_events");
            if ("ok".equals(record.value())) {
                increment(executor, "successful_rotations");
            } else if ("fail".equals(record.value())) {
                increment(executor, "failed_rotations");
            }
        }

        private static void increment(final KeyValueStore<String, Long> store, final String key) {
            final Long now = store.get(key);
            store.put(key, now == null ? 1 : now + 1);
        }
    }

    private static KafkaStreams tinyApp(final Path stateDir) {
        final StreamsBuilder builder = new StreamsBuilder();
        for (final String store : List.of("event-statistics", "executor-statistics")) {
            builder.addStateStore(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.Long()));
        }
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .process(CountingProcessor::new, "event-statistics", "executor-statistics");
        final Properties props = new Properties();
        props.putAll(KAFKA.kafka().streamsProps(APP, stateDir));
        return new KafkaStreams(builder.build(), props);
    }

    private static HttpResponse<String> get(final OpsServer server, final String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void endpointsReflectARealStreamsClientItsStoresAndTopics(@TempDir final Path stateDir) throws Exception {
        KAFKA.createTopics(2, INPUT);
        final KafkaStreams streams = tinyApp(Files.createDirectories(stateDir.resolve("state")));
        try (RotorMetrics metrics = RotorMetrics.create(Duration.ofMillis(500));
                AdminTopicsCheck topics = AdminTopicsCheck.start(
                        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                        List.of(INPUT, LATE_TOPIC),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(5));
                OpsServer server = OpsServer.start(
                        "127.0.0.1",
                        0,
                        Map.of(APP, streams),
                        metrics,
                        new Statistics(Map.of(APP, StoreReader.of(streams))),
                        topics)) {
            metrics.bindStreams(APP, streams);
            metrics.bindStatistics(new Statistics(Map.of(APP, StoreReader.of(streams))), Duration.ZERO);

            // given a client not started and a topic missing: not ready, and the stores are not queryable
            await().atMost(TIMEOUT).until(() -> !topics.result().missing().isEmpty());
            HttpResponse<String> ready = get(server, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("client ops-it is CREATED", "topic " + LATE_TOPIC + " is missing");
            JsonNode stats = JSON.readTree(get(server, "/stats").body());
            assertThat(stats.get("complete").asBoolean()).isFalse();

            // when the client runs and the topic appears: ready
            streams.start();
            KAFKA.createTopics(1, LATE_TOPIC);
            await().atMost(TIMEOUT).untilAsserted(() -> {
                final HttpResponse<String> r = get(server, "/health/ready");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            });

            // and records counted in the stores show up in /stats via interactive queries
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                for (final String v : List.of("ok", "ok", "fail", "other")) {
                    producer.send(new ProducerRecord<>(
                            INPUT, v.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)));
                }
            }
            await().atMost(TIMEOUT).untilAsserted(() -> {
                final JsonNode s = JSON.readTree(get(server, "/stats").body());
                assertThat(s.get("total_events").asLong()).isEqualTo(4);
                assertThat(s.get("successful_rotations").asLong()).isEqualTo(2);
                assertThat(s.get("failed_rotations").asLong()).isEqualTo(1);
            });
            stats = JSON.readTree(get(server, "/stats").body());
            assertThat(stats.get("success_rate").asDouble()).isEqualTo(0.6667);
            assertThat(stats.get("complete").asBoolean()).isTrue();
            assertThat(stats.get("stores").get("event-statistics").asText()).isEqualTo("ok");
            assertThat(stats.get("stores").get("executor-statistics").asText()).isEqualTo("ok");
            assertThat(stats.get("stores").get("decision-statistics").asText()).isEqualTo("not_hosted");

            // /metrics: Kafka Streams' own meters of this client, its state, and the statistics gauges
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(get(server, "/metrics").body())
                            .containsPattern("(?m)^kafka_stream_\\w+\\{.*application_id=\"ops-it\"")
                            .containsPattern("(?m)^kafka_stream_thread_\\w+\\{")
                            .contains("rotor_streams_running{application_id=\"ops-it\"} 1.0")
                            .contains("rotor_stats_total_events 4.0"));

            // unbinding (on shutdown) removes the client's meters
            metrics.unbindStreams(APP);
            assertThat(metrics.scrape())
                    .doesNotContainPattern("(?m)^kafka_stream_")
                    .doesNotContain("rotor_streams_running");
        } finally {
            streams.close(Duration.ofSeconds(10));
        }
    }
}
