package dev.rotor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.config.RotorConfig;
import dev.rotor.service.RotorService;
import dev.rotor.vault.VaultRotator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Full rotor — detection and executor, {@link RotorService} with {@link VaultRotator} on the dev Vault — in this JVM,
 * for the latency and incident scenarios, with a SIEM-side producer and a read_committed reader of
 * {@code rotation-results}.
 */
final class RotorUnderTest implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final RotorConfig config;
    private final RotorService service;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<String, byte[]> results;

    private RotorUnderTest(final RotorConfig config, final RotorService service) {
        this.config = config;
        this.service = service;
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().get("bootstrap.servers"));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        this.producer = new KafkaProducer<>(p);
        final Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().get("bootstrap.servers"));
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // the reader must not add its own long-poll wait to the figure
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.results = new KafkaConsumer<>(c);
        final List<TopicPartition> parts =
                results.partitionsFor(config.topics().rotationResults(), Duration.ofSeconds(30)).stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition()))
                        .toList();
        results.assign(parts);
        results.seekToEnd(parts);
        parts.forEach(results::position);
    }

    /** Starts rotor (both roles) and waits until its clients are RUNNING. */
    static RotorUnderTest start(final BenchEnv env, final RotorConfig config) throws Exception {
        env.createRotorTopics(config);
        final RotorService service = RotorService.start(config, RotorService.Role.ALL, VaultRotator.fromConfig(config));
        try {
            final long until = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!service.allRunning()) {
                if (service.anyFailed() || System.nanoTime() > until) {
                    throw new IllegalStateException("rotor's Kafka Streams clients did not start; see the bench log");
                }
                Thread.sleep(50);
            }
            return new RotorUnderTest(config, service);
        } catch (final Exception e) {
            service.close(Duration.ofSeconds(10));
            throw e;
        }
    }

    /** {@code n} secret paths: {@code base} followed by 0, 1, ... */
    static List<String> paths(final String base, final int n) {
        final List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(base + i);
        }
        return out;
    }

    /** Seeds KV v2 secrets {@code secret/<path>} with one version each. */
    static void seed(final BenchEnv env, final Collection<String> paths) {
        for (final String p : paths) {
            env.vault().kvPut("secret", p.substring("secret/".length()), Map.of("password", "bench-seed"));
        }
    }

    /** A manual_trigger event (or another type/level) naming {@code paths}. */
    static byte[] event(final String id, final String type, final String level, final Collection<String> paths) {
        final StringBuilder b = new StringBuilder(96 + paths.size() * 40);
        b.append("{\"event_id\":\"")
                .append(id)
                .append("\",\"event_type\":\"")
                .append(type)
                .append("\",\"threat_level\":\"")
                .append(level)
                .append("\",\"description\":\"rotor bench\",\"affected_resources\":[");
        boolean first = true;
        for (final String p : paths) {
            b.append(first ? "\"" : ",\"").append(p).append('"');
            first = false;
        }
        b.append("],\"timestamp\":\"").append(Instant.now()).append("\"}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    void send(final byte[] event) {
        producer.send(new ProducerRecord<>(config.topics().securityEvents(), event), (md, e) -> {
            if (e != null) {
                System.err.println("bench: sending an event failed: " + e.getMessage());
            }
        });
    }

    void flush() {
        producer.flush();
    }

    /**
     * Polls rotation-results once; hands (secret path, status, the result) and the receive time (nanoTime) to
     * {@code sink}.
     */
    void pollResults(final Duration timeout, final ResultSink sink) {
        for (final ConsumerRecord<String, byte[]> r : results.poll(timeout)) {
            final long at = System.nanoTime();
            JsonNode n;
            try {
                n = JSON.readTree(r.value());
            } catch (final IOException e) {
                n = JSON.createObjectNode().put("status", "UNREADABLE");
            }
            sink.accept(r.key(), n.path("status").asText("?"), n, at);
        }
    }

    /** Receives one result. */
    @FunctionalInterface
    interface ResultSink {
        void accept(String path, String status, JsonNode result, long receivedNanos);
    }

    /**
     * The warm-up's outcome: a scenario measured after an incomplete warm-up would include rotor's start-up in its
     * figures, so it is refused.
     *
     * @param expected triggers sent
     * @param rotated ROTATED results read before the timeout
     */
    record WarmUp(int expected, int rotated) {
        /** Null when every warm-up trigger rotated; else why the scenario's figures cannot be trusted. */
        String problem(final String what) {
            return rotated == expected
                    ? null
                    : what + ": warm-up incomplete, " + rotated + " of " + expected + " triggers rotated";
        }
    }

    /** Sends one manual trigger per path and waits for every result (or the timeout). */
    WarmUp warmUp(final BenchEnv env, final List<String> paths, final Duration timeout) {
        seed(env, paths);
        final Set<String> waiting = new HashSet<>(paths);
        final int[] rotated = {0};
        for (final String p : paths) {
            send(event("warmup-" + p, "manual_trigger", "low", List.of(p)));
        }
        flush();
        final long until = System.nanoTime() + timeout.toNanos();
        while (!waiting.isEmpty() && System.nanoTime() < until) {
            pollResults(Duration.ofMillis(100), (path, status, result, at) -> {
                if (waiting.remove(path) && status.equals("ROTATED")) {
                    rotated[0]++;
                }
            });
        }
        return new WarmUp(paths.size(), rotated[0]);
    }

    static Path freshStateDir(final BenchEnv env, final String name) throws IOException {
        return Files.createDirectories(env.work.resolve("state-" + name));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        results.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        service.close(Duration.ofSeconds(30));
    }
}
