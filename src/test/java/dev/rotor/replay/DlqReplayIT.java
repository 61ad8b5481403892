package dev.rotor.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.cli.RotorCommand;
import dev.rotor.config.RotationTargets;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.devvault.DevVault;
import dev.rotor.service.RotorService;
import dev.rotor.streams.DeadLetters;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.ItConfig;
import dev.rotor.testing.RotorCli;
import dev.rotor.testing.TestDirs;
import dev.rotor.vault.VaultRotator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code rotor dlq replay} on a real broker with rotor running: an event refused for its path is replayed after the
 * allowlist was widened and decided; replaying it again republishes it again but rotates nothing more; a command from
 * rotation-commands-dlq is replayed to the executor.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DlqReplayIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "secret/prod/wide/key";
    private static final String EVENT_ID = "evt-replay-1";
    private static final String COMMAND_ID = DetectionTopology.commandId(EVENT_ID, PATH);

    private static DevVault vault;
    private static RotorConfig base;
    private static RotorService rotor;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() throws IOException {
        vault = DevVault.start();
        vault.kvPut("secret", "prod/wide/key", Map.of("password", "seed-value"));
        final Path state = TestDirs.fresh("it-state", "dlq-");
        base = ItConfig.load(
                vault.address(),
                vault.rootToken(),
                ItConfig.onBroker(
                        KAFKA,
                        state,
                        // a second replay usually comes long after the first: without the manual-trigger limit, the
                        // replayed manual trigger reaches the executor again, whose command-id check is tested here
                        Map.of("kafka.commit.interval.ms", "25", "rotor.manual-trigger.interval", "0s")));
        ItConfig.createTopics(KAFKA, base, 3);
        producer = new KafkaProducer<>(KAFKA.producerProps());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (rotor != null) {
            rotor.close(Duration.ofSeconds(10));
        }
        if (vault != null) {
            vault.close();
        }
    }

    private static void run(final RotorConfig config) {
        if (rotor != null) {
            rotor.close(Duration.ofSeconds(10));
        }
        rotor = RotorService.start(config, RotorService.Role.ALL, VaultRotator.fromConfig(config));
        await().atMost(WAIT).until(rotor::allRunning);
    }

    private static RotorConfig allowing(final String pattern) {
        return base.withTargets(RotationTargets.parse("targets:\n  - pattern: \"" + pattern + "\"\n", "test.yaml"));
    }

    /** Runs {@code rotor ...} in this JVM; returns exit code and standard output. */
    private static Map.Entry<Integer, String> rotor(final String... args) {
        return RotorCli.run(args);
    }

    private static Map.Entry<Integer, String> replay(final String... extra) {
        final String[] args = {"dlq", "replay", "--bootstrap", KAFKA.bootstrapServers()};
        final String[] all = Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return rotor(all);
    }

    private static List<JsonNode> results(final String commandId) {
        return KAFKA.readAllCommitted(base.topics().rotationResults(), WAIT).stream()
                .map(r -> tree(r.value()))
                .filter(r -> r.path("command_id").asText().equals(commandId))
                .toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> replayedEvents() {
        return KAFKA.readAllCommitted(base.topics().securityEvents(), WAIT).stream()
                .filter(r -> r.headers().lastHeader(DeadLetterVerdict.REPLAY_SOURCE_HEADER) != null)
                .toList();
    }

    private static JsonNode tree(final byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void aRefusedPathIsReplayedAfterTheAllowlistWasWidenedAndDecided() throws Exception {
        run(allowing("secret/prod/narrow/**"));
        final RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "t-42".getBytes(StandardCharsets.UTF_8));
        final String event = "{\"event_id\":\"" + EVENT_ID + "\",\"event_type\":\"manual_trigger\",\"threat_level\":"
                + "\"low\",\"description\":\"rotate after review\",\"affected_resources\":[\"" + PATH + "\"],"
                + "\"timestamp\":\"" + Instant.now() + "\"}";
        producer.send(new ProducerRecord<>(
                        base.topics().securityEvents(),
                        null,
                        "k1".getBytes(StandardCharsets.UTF_8),
                        event.getBytes(StandardCharsets.UTF_8),
                        headers))
                .get();
        producer.send(new ProducerRecord<>(
                        base.topics().securityEvents(),
                        "k2".getBytes(StandardCharsets.UTF_8),
                        "{not json".getBytes(StandardCharsets.UTF_8)))
                .get();
        await().atMost(WAIT)
                .until(() -> KAFKA.readAllCommitted(base.topics().securityEventsDlq(), WAIT)
                                .size()
                        == 2);

        run(allowing("secret/**")); // the fix: the path is allowed now

        final Map.Entry<Integer, String> dry =
                replay("--topic", "security-events-dlq", "--code", "REFUSED_PATH", "--dry-run");
        assertThat(dry.getKey()).isZero();
        assertThat(dry.getValue())
                .contains(
                        "dry run, nothing sent. security-events-dlq: read 2, matched 1",
                        "would republish 1 (security-events 1)");
        assertThat(replayedEvents()).isEmpty();

        final Map.Entry<Integer, String> first = replay("--topic", "security-events-dlq", "--code", "REFUSED_PATH");

        assertThat(first.getKey()).isZero();
        assertThat(first.getValue()).isEqualTo("""
                security-events-dlq: read 2, matched 1 (code REFUSED_PATH)
                  matched by code: REFUSED_PATH 1
                  republished 1 (security-events 1)
                  skipped 0
                """);
        await().atMost(WAIT).until(() -> results(COMMAND_ID).size() == 1);
        assertThat(results(COMMAND_ID).get(0).path("status").asText()).isEqualTo("ROTATED");
        assertThat(replayedEvents()).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k1");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(event);
            assertThat(Arrays.stream(r.headers().toArray()).map(Header::key).toList())
                    .containsExactly("trace-id", DeadLetterVerdict.REPLAY_SOURCE_HEADER);
        });
    }

    @Test
    @Order(2)
    void replayingTwiceRepublishesTwiceButRotatesOnce() {
        final Map.Entry<Integer, String> second = replay("--topic", "security-events-dlq", "--code", "REFUSED_PATH");

        assertThat(second.getValue()).contains("republished 1 (security-events 1)");
        await().atMost(WAIT).until(() -> results(COMMAND_ID).size() == 2);
        assertThat(results(COMMAND_ID))
                .extracting(r -> r.path("status").asText())
                .containsExactly("ROTATED", "DUPLICATE");
        assertThat(replayedEvents()).hasSize(2);
        assertThat(vault.kvMetadata("secret", "prod/wide/key").orElseThrow().currentVersion())
                .isEqualTo(2);
        assertThat(vault.kvRead("secret", "prod/wide/key").get("password")).isNotEqualTo("seed-value");
    }

    @Test
    @Order(3)
    void aCommandFromTheCommandsDlqIsReplayedToTheExecutor() throws Exception {
        final ConsumerRecord<byte[], byte[]> command =
                KAFKA.readAllCommitted(base.topics().rotationCommands(), WAIT).stream()
                        .filter(r -> tree(r.value()).path("command_id").asText().equals(COMMAND_ID))
                        .findFirst()
                        .orElseThrow();
        final ObjectNode other = (ObjectNode) tree(command.value());
        other.put("command_id", "cmd-from-commands-dlq");
        other.put("event_id", "evt-from-commands-dlq");
        final ProducerRecord<byte[], byte[]> letter = DeadLetters.of(
                base.topics().rotationCommandsDlq(),
                new DeadLetters.Source(
                        base.topics().rotationCommands(),
                        0,
                        3,
                        System.currentTimeMillis(),
                        command.key(),
                        other.toString().getBytes(StandardCharsets.UTF_8),
                        new RecordHeaders()),
                "UNKNOWN_SCHEMA_ID",
                "schema id 7 unknown",
                "x.AvroDecodingException",
                "",
                1 << 20);
        producer.send(letter).get();

        final Map.Entry<Integer, String> out = replay("--topic", "rotation-commands-dlq");

        assertThat(out.getKey()).isZero();
        assertThat(out.getValue()).contains("republished 1 (rotation-commands 1)");
        await().atMost(WAIT).until(() -> results("cmd-from-commands-dlq").size() == 1);
        assertThat(results("cmd-from-commands-dlq").get(0).path("status").asText())
                .isEqualTo("ROTATED");
        assertThat(vault.kvMetadata("secret", "prod/wide/key").orElseThrow().currentVersion())
                .isEqualTo(3);
    }

    @Test
    @Order(4)
    void aMissingDlqTopicIsAUsageError() {
        final StringWriter err = new StringWriter();
        final picocli.CommandLine cl = RotorCommand.commandLine();
        cl.setErr(new PrintWriter(err));

        final int code = cl.execute("dlq", "replay", "--bootstrap", KAFKA.bootstrapServers(), "--topic", "no-such-dlq");

        assertThat(code).isEqualTo(RotorCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--topic: topic no-such-dlq does not exist");
    }
}
