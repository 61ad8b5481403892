package dev.rotor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.cli.RotorCommand;
import dev.rotor.config.RotorConfig;
import dev.rotor.devvault.DevVault;
import dev.rotor.service.RotorService;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.ItConfig;
import dev.rotor.testing.RotorCli;
import dev.rotor.testing.TestDirs;
import dev.rotor.vault.VaultRotator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The storm breaker on a real broker with two rotor instances sharing the work (3 partitions of rotation-commands):
 * pause holds automatic rotations on both and not manual ones; a storm over the group-wide budget rotates exactly the
 * budget and holds the rest; an event naming 5,000 secrets is held whole; one critical notification covers it all;
 * {@code rotor held} lists what both instances hold, and approving releases exactly the held commands, each secret
 * changing once; {@code rotor retry} runs a released command again; a replayed backlog with forged timestamps gives
 * each secret one command.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StormBreakerIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUDGET = 20;
    private static final int WIDE = 5_000;

    private static DevVault vault;
    private static RotorConfig config;
    private static final List<RotorService> instances = new ArrayList<>();
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() throws IOException {
        vault = DevVault.start();
        for (int i = 0; i < WIDE; i++) {
            vault.kvPut("secret", "wide/s" + i, Map.of("password", "seed"));
        }
        for (int i = 0; i < 60; i++) {
            vault.kvPut("secret", "storm/s" + i, Map.of("password", "seed"));
        }
        for (int i = 0; i < 200; i++) {
            vault.kvPut("secret", "backlog/s" + i, Map.of("password", "seed"));
        }
        for (final String p : List.of("paused/a", "paused/b", "paused/c", "paused/d", "manual/m", "resumed/r")) {
            vault.kvPut("secret", p, Map.of("password", "seed"));
        }
        final Path state = TestDirs.fresh("it-state", "storm-");
        final Map<String, String> settings = ItConfig.onBroker(
                KAFKA,
                state.resolve("instance-0"),
                Map.of(
                        "kafka.commit.interval.ms",
                        "25",
                        "rotor.breaker.max-rotations",
                        Integer.toString(BUDGET),
                        "rotor.breaker.window",
                        "10m",
                        "rotor.breaker.max-secrets-per-event",
                        "50",
                        "rotor.http.port",
                        "0"));
        final RotorConfig base = load(settings);
        ItConfig.createTopics(KAFKA, base, 3);
        for (int i = 0; i < 2; i++) {
            settings.put("kafka.state.dir", state.resolve("instance-" + i).toString());
            config = load(settings);
            instances.add(
                    RotorService.startWithEndpoints(config, RotorService.Role.ALL, VaultRotator.fromConfig(config)));
        }
        await().atMost(WAIT).until(() -> instances.stream().allMatch(RotorService::allRunning));
        producer = new KafkaProducer<>(KAFKA.producerProps());
    }

    private static RotorConfig load(final Map<String, String> settings) {
        return ItConfig.load(vault.address(), vault.rootToken(), settings);
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        instances.forEach(i -> i.close(Duration.ofSeconds(10)));
        if (vault != null) {
            vault.close();
        }
    }

    private static void send(final String eventId, final String type, final List<String> paths) throws Exception {
        final ObjectNode e = JSON.createObjectNode();
        e.put("event_id", eventId);
        e.put("event_type", type);
        e.put("threat_level", "critical");
        e.put("description", "storm breaker test");
        paths.forEach(e.putArray("affected_resources")::add);
        e.put("timestamp", Instant.now().toString());
        producer.send(new ProducerRecord<>(
                        config.topics().securityEvents(),
                        eventId.getBytes(StandardCharsets.UTF_8),
                        e.toString().getBytes(StandardCharsets.UTF_8)))
                .get();
    }

    /** Runs {@code rotor ...} against the test broker in this JVM; returns exit code and standard output. */
    private static Map.Entry<Integer, String> rotor(final String... args) {
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", KAFKA.bootstrapServers()));
        return RotorCli.run(all.toArray(String[]::new));
    }

    /** The latest result per secret path (a HELD command's later result replaces it). */
    private static Map<String, JsonNode> latestResults() {
        final Map<String, JsonNode> latest = new LinkedHashMap<>();
        KAFKA.readAllCommitted(config.topics().rotationResults(), Duration.ofSeconds(5)).stream()
                .map(r -> tree(r.value()))
                .filter(r -> !r.path("status").asText().equals("DUPLICATE"))
                .forEach(r -> latest.put(r.path("secret_path").asText(), r));
        return latest;
    }

    private static long count(final Map<String, JsonNode> results, final String prefix, final String status) {
        return results.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .filter(e -> e.getValue().path("status").asText().equals(status))
                .count();
    }

    private static List<JsonNode> critical() {
        return KAFKA.readAllCommitted(config.topics().securityCritical(), Duration.ofSeconds(5)).stream()
                .map(r -> tree(r.value()))
                .toList();
    }

    private static int version(final String path) {
        return vault.kvMetadata("secret", path).orElseThrow().currentVersion();
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
    void pauseHoldsAutomaticRotationsOnBothInstancesButNotManualTriggers() throws Exception {
        assertThat(rotor("pause", "--reason", "maintenance").getKey()).isZero();
        Thread.sleep(1_000); // the global store catches up within the poll interval; give it a little room
        send(
                "evt-paused",
                "leaked_credential",
                List.of("secret/paused/a", "secret/paused/b", "secret/paused/c", "secret/paused/d"));
        send("evt-manual", "manual_trigger", List.of("secret/manual/m"));
        await().atMost(WAIT)
                .until(() -> count(latestResults(), "secret/paused/", "HELD") == 4
                        && count(latestResults(), "secret/manual/", "ROTATED") == 1);
        assertThat(latestResults().get("secret/paused/a").path("error").asText())
                .contains("paused");

        assertThat(rotor("resume").getKey()).isZero();
        Thread.sleep(1_000);
        send("evt-resumed", "leaked_credential", List.of("secret/resumed/r"));
        await().atMost(WAIT).until(() -> count(latestResults(), "secret/resumed/", "ROTATED") == 1);
        assertThat(count(latestResults(), "secret/paused/", "HELD"))
                .as("resume approves nothing")
                .isEqualTo(4);
        assertThat(version("paused/a")).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aStormOverTheGroupWideBudgetRotatesExactlyTheBudget() throws Exception {
        // the resumed secret above used one start of the budget
        for (int i = 0; i < 60; i++) {
            send("evt-storm-" + i, "leaked_credential", List.of("secret/storm/s" + i));
        }
        await().atMost(WAIT)
                .until(() -> count(latestResults(), "secret/storm/", "ROTATED")
                                + count(latestResults(), "secret/storm/", "HELD")
                        == 60);
        Thread.sleep(2_000); // nothing more may happen
        final Map<String, JsonNode> results = latestResults();
        assertThat(count(results, "secret/storm/", "ROTATED") + count(results, "secret/resumed/", "ROTATED"))
                .as("two instances, one budget")
                .isEqualTo(BUDGET);
        assertThat(count(results, "secret/storm/", "HELD")).isEqualTo(60 - BUDGET + 1);
    }

    @Test
    @Order(3)
    void anEventNamingFiveThousandSecretsIsHeldWholeAndOneCriticalNotificationCoversTheStorm() throws Exception {
        send(
                "evt-wide",
                "leaked_credential",
                IntStream.range(0, WIDE).mapToObj(i -> "secret/wide/s" + i).toList());
        await().atMost(WAIT).until(() -> count(latestResults(), "secret/wide/", "HELD") == WIDE);

        assertThat(latestResults().get("secret/wide/s0").path("error").asText()).contains("5000 secrets");
        assertThat(version("wide/s0")).isEqualTo(1);
        assertThat(critical())
                .as("one notification for the storm, none per held secret")
                .singleElement()
                .satisfies(n -> assertThat(n.path("message").asText()).startsWith("🛑 ROTATION STORM HELD 🛑"));

        final Map.Entry<Integer, String> held = rotor("held");
        assertThat(held.getKey()).isZero();
        assertThat(held.getValue())
                .contains((WIDE + 4 + 60 - BUDGET + 1) + " command(s) held")
                .contains("secret/wide/s4999")
                .contains("secret/paused/d")
                .contains("evt-wide");
    }

    @Test
    @Order(4)
    void approvingReleasesExactlyTheHeldCommandsAndEachSecretChangesOnce() {
        assertThat(rotor("approve", "--event", "evt-wide", "--reason", "confirmed leak")
                        .getKey())
                .isZero();
        await().atMost(WAIT).until(() -> count(latestResults(), "secret/wide/", "ROTATED") == WIDE);
        assertThat(IntStream.range(0, WIDE)
                        .map(i -> version("wide/s" + i))
                        .distinct()
                        .boxed()
                        .toList())
                .as("every secret of the event rotated exactly once")
                .containsExactly(2);
        assertThat(count(latestResults(), "secret/storm/", "HELD"))
                .as("another storm's holds stay held")
                .isEqualTo(60 - BUDGET + 1);

        assertThat(rotor("release", "--all").getKey()).isZero();
        await().atMost(WAIT)
                .until(() -> count(latestResults(), "secret/storm/", "HELD") == 0
                        && count(latestResults(), "secret/paused/", "HELD") == 0);
        assertThat(count(latestResults(), "secret/paused/", "FAILED")).isEqualTo(4);
        assertThat(version("paused/a")).isEqualTo(1);
        assertThat(rotor("held").getValue()).contains("0 command(s) held");
        assertThat(critical()).as("released commands page nobody").hasSize(1);
    }

    @Test
    @Order(5)
    void retryRunsAReleasedCommandAgainAsANewLinkedCommandThatIsNotHeld() {
        final JsonNode released = latestResults().entrySet().stream()
                .filter(e -> e.getKey().startsWith("secret/storm/"))
                .filter(e -> e.getValue().path("status").asText().equals("FAILED"))
                .findFirst()
                .orElseThrow()
                .getValue();
        final String path = released.path("secret_path").asText();
        final String oldId = released.path("command_id").asText();

        final Map.Entry<Integer, String> retry = rotor("retry", oldId);

        assertThat(retry.getKey()).as(retry.getValue()).isZero();
        await().atMost(WAIT)
                .until(() -> latestResults().get(path).path("status").asText().equals("ROTATED"));
        final JsonNode rotated = latestResults().get(path);
        assertThat(rotated.path("command_id").asText()).isNotEqualTo(oldId);
        assertThat(retry.getValue())
                .contains(rotated.path("command_id").asText())
                .contains(oldId);
        final JsonNode command =
                KAFKA.readAllCommitted(config.topics().rotationCommands(), Duration.ofSeconds(5)).stream()
                        .map(r -> tree(r.value()))
                        .filter(c -> c.path("command_id")
                                .asText()
                                .equals(rotated.path("command_id").asText()))
                        .findFirst()
                        .orElseThrow();
        assertThat(command.path("parent_command_id").asText()).isEqualTo(oldId);
        assertThat(command.path("rule").asText()).isEqualTo("retry");
        assertThat(version(path.substring("secret/".length()))).isEqualTo(2);

        assertThat(rotor("retry", rotated.path("command_id").asText()).getKey())
                .as("a rotated command is not retried")
                .isEqualTo(RotorCommand.EXIT_RUNTIME);
    }

    @Test
    @Order(6)
    void aReplayedBacklogWithForgedTimestampsGivesEachSecretOneCommandPerCooldown() throws Exception {
        // 1,000 critical events for 200 secrets, each secret's five stamped 800 minutes apart: by the events' own
        // clock every one is outside the previous one's cooldown; by rotor's clock they all arrive within it
        final Instant now = Instant.now();
        for (int i = 0; i < 1_000; i++) {
            final ObjectNode e = JSON.createObjectNode();
            e.put("event_id", "backlog-" + i);
            e.put("event_type", "leaked_credential");
            e.put("threat_level", "critical");
            e.putArray("affected_resources").add("secret/backlog/s" + (i % 200));
            e.put("timestamp", now.minus(Duration.ofMinutes(4L * (1_000 - i))).toString());
            producer.send(new ProducerRecord<>(
                    config.topics().securityEvents(),
                    ("backlog-" + i).getBytes(StandardCharsets.UTF_8),
                    e.toString().getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        await().atMost(WAIT)
                .until(() -> backlogCommands().size() >= 200
                        && KAFKA.readAllCommitted(config.topics().rotationAudit(), Duration.ofSeconds(5)).stream()
                                        .map(r -> tree(r.value()))
                                        .filter(a -> a.path("event_id").asText().startsWith("backlog-"))
                                        .filter(a -> a.path("decision").asText().equals("SUPPRESSED"))
                                        .count()
                                >= 800);
        Thread.sleep(2_000);

        final List<JsonNode> commands = backlogCommands();
        assertThat(commands).hasSize(200);
        assertThat(commands.stream()
                        .map(c -> c.path("secret_path").asText())
                        .distinct()
                        .count())
                .as("one command per secret")
                .isEqualTo(200);
    }

    private static List<JsonNode> backlogCommands() {
        return KAFKA.readAllCommitted(config.topics().rotationCommands(), Duration.ofSeconds(5)).stream()
                .map(r -> tree(r.value()))
                .filter(c -> c.path("event_id").asText().startsWith("backlog-"))
                .toList();
    }

    @Test
    @Order(7)
    void statsCoverTheWholeGroupOnEitherInstance() throws Exception {
        final JsonNode a = stats(instances.get(0), "");
        final JsonNode b = stats(instances.get(1), "");
        final JsonNode aOnly = stats(instances.get(0), "?scope=instance");
        final JsonNode bOnly = stats(instances.get(1), "?scope=instance");

        assertThat(a.path("instances")).hasSize(2);
        assertThat(a.path("complete").asBoolean()).isTrue();
        assertThat(aOnly.path("held").asLong())
                .as("each instance holds a share")
                .isPositive();
        assertThat(bOnly.path("held").asLong()).isPositive();
        for (final String statistic : List.of("held", "successful_rotations", "failed_rotations", "total_events")) {
            assertThat(a.path(statistic).asLong())
                    .as(statistic)
                    .isEqualTo(aOnly.path(statistic).asLong()
                            + bOnly.path(statistic).asLong())
                    .isEqualTo(b.path(statistic).asLong());
        }
    }

    private static JsonNode stats(final RotorService instance, final String query) throws Exception {
        final HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.httpPort() + "/stats" + query))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    @Order(8)
    void rotationsAreListedByStateAcrossBothInstances() {
        final String held = rotor("held").getValue();
        final Matcher m = Pattern.compile("(\\d+) command\\(s\\) held").matcher(held);
        assertThat(m.find()).as(held).isTrue();

        final Map.Entry<Integer, String> needingALook = rotor("rotations");
        assertThat(needingALook.getKey()).isZero();
        assertThat(needingALook.getValue())
                .contains("held=" + m.group(1))
                .contains("failed=")
                .doesNotContain("rotated=");

        final String everything = rotor("rotations", "--state", "all").getValue();
        assertThat(everything)
                .contains("rotated=")
                .contains("held=" + m.group(1))
                .contains("secret/wide/s4999")
                .contains("secret/backlog/s199");
    }
}
