package dev.rotor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.devvault.DevVault;
import dev.rotor.ops.Statistics;
import dev.rotor.service.RotorService;
import dev.rotor.streams.Statistic;
import dev.rotor.testing.EmbeddedKafkaExtension;
import dev.rotor.testing.ItConfig;
import dev.rotor.testing.TestDirs;
import dev.rotor.topics.Topics;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * README "Try new thresholds in shadow mode", run as written: production (default application ids, failed-login
 * threshold 10) and a shadow configured with the README's lines (prefix {@code shadow-}, dry run, threshold 5, its own
 * output topics, the same input) on one broker, sharing even {@code kafka.state.dir}. The shadow publishes DRY_RUN
 * results on its own topics and never reaches Vault; production rotates; neither sees the other's state.
 */
class ShadowModeIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXAMPLE =
            Pattern.compile("<!-- shadow-example -->\\s*```properties\\n(.*?)```", Pattern.DOTALL);
    private static final String LEAKED = "secret/prod/shadow-leaked";
    private static final String LOGIN = "secret/prod/shadow-login";

    @Test
    void theShadowPublishesDryRunsOnItsOwnTopicsWhileProductionRotatesAndNeitherSharesState() throws Exception {
        final Map<String, String> shadowLines = readmeExample();
        assertThat(shadowLines)
                .containsEntry("rotor.application-id-prefix", "shadow-")
                .containsEntry("rotor.dry-run", "true")
                .containsEntry("rotor.failed-auth.threshold", "5");

        try (DevVault vault = DevVault.start()) {
            vault.kvPut("secret", "prod/shadow-leaked", Map.of("password", "seed-1"));
            vault.kvPut("secret", "prod/shadow-login", Map.of("password", "seed-2"));
            final Path state = TestDirs.fresh("it-state", "shadow-");
            final Map<String, String> common = ItConfig.onBroker(KAFKA, state, Map.of("rotor.http.port", "0"));
            final RotorConfig production = ItConfig.load(vault.address(), vault.rootToken(), common);
            final Map<String, String> shadowSettings = new HashMap<>(common);
            shadowSettings.putAll(shadowLines);
            shadowSettings.put("rotor.http.port", "0");
            // the shadow is given Vault's address but no credentials: a dry run needs none
            final RotorConfig shadow =
                    ConfigLoader.load(Optional.empty(), Map.of("VAULT_ADDR", vault.address()), shadowSettings);
            final Set<String> topics = new LinkedHashSet<>(new Topics(production).allNames());
            topics.addAll(new Topics(shadow).allNames());
            KAFKA.createTopics(3, topics.toArray(String[]::new));

            final RotorService prod =
                    RotorService.start(production, RotorService.Role.ALL, RotorService.rotator(production));
            final RotorService shad = RotorService.start(shadow, RotorService.Role.ALL, RotorService.rotator(shadow));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                await().atMost(WAIT).until(() -> prod.allRunning() && shad.allRunning());
                assertThat(prod.clients()).containsOnlyKeys("rotor-detection", "rotor-executor");
                assertThat(shad.clients()).containsOnlyKeys("shadow-rotor-detection", "shadow-rotor-executor");

                // when five failed logins (below production's 10, at the shadow's 5) and a critical leak arrive once
                final Instant now = Instant.now();
                for (int i = 0; i < 5; i++) {
                    send(
                            producer,
                            event("shadow-login-" + i, "failed_auth_spike", "medium", LOGIN, now.minusSeconds(10 - i)));
                }
                send(producer, event("shadow-leak", "leaked_credential", "critical", LEAKED, now));

                // then the shadow publishes DRY_RUN results for both secrets, on its own topic only
                await().atMost(WAIT)
                        .untilAsserted(() -> assertThat(statuses("shadow-rotation-results"))
                                .containsEntry(LOGIN, "DRY_RUN")
                                .containsEntry(LEAKED, "DRY_RUN")
                                .hasSize(2));
                // and production rotates the leaked secret only
                await().atMost(WAIT)
                        .untilAsserted(
                                () -> assertThat(statuses("rotation-results")).containsEntry(LEAKED, "ROTATED"));
                await().atMost(WAIT)
                        .untilAsserted(() -> assertThat(Statistics.forClients(prod.clients())
                                        .snapshot()
                                        .get(Statistic.TOTAL_EVENTS.key()))
                                .isEqualTo(6));
                Thread.sleep(2000); // a late production rotation of the login secret would show now
                assertThat(statuses("rotation-results")).containsOnlyKeys(LEAKED);
                assertThat(commandPaths("rotation-commands")).containsExactly(LEAKED);
                assertThat(commandPaths("shadow-rotation-commands")).containsExactlyInAnyOrder(LOGIN, LEAKED);
                // with the default rotor.audit.below-threshold=crossings, a count is audited when it reaches half the
                // threshold: the 5th failed login for production (5 of 10), the 3rd for the shadow (3 of 5)
                assertThat(decisions("rotation-audit", LOGIN)).containsExactly("BELOW_THRESHOLD");
                assertThat(decisions("shadow-rotation-audit", LOGIN)).containsExactly("BELOW_THRESHOLD", "ROTATE");

                // Vault: rotated once, by production; the shadow sent it nothing, the login secret is untouched
                assertThat(vault.kvMetadata("secret", "prod/shadow-leaked")
                                .orElseThrow()
                                .currentVersion())
                        .isEqualTo(2);
                assertThat(vault.kvMetadata("secret", "prod/shadow-login")
                                .orElseThrow()
                                .currentVersion())
                        .isEqualTo(1);
                assertThat(vault.requests()).noneMatch(r -> r.path().contains("shadow-login"));

                // neither sees the other's state: own statistics, groups, internal topics and state directories
                final Statistics.Snapshot p =
                        Statistics.forClients(prod.clients()).snapshot();
                final Statistics.Snapshot s =
                        Statistics.forClients(shad.clients()).snapshot();
                assertThat(p.complete()).isTrue();
                assertThat(s.complete()).isTrue();
                assertThat(List.of(
                                p.get(Statistic.TOTAL_EVENTS.key()),
                                p.get(Statistic.EMERGENCY_ROTATIONS.key()),
                                p.get(Statistic.SUCCESSFUL_ROTATIONS.key()),
                                p.get(Statistic.DRY_RUNS.key())))
                        .containsExactly(6L, 1L, 1L, 0L);
                assertThat(List.of(
                                s.get(Statistic.TOTAL_EVENTS.key()),
                                s.get(Statistic.EMERGENCY_ROTATIONS.key()),
                                s.get(Statistic.SUCCESSFUL_ROTATIONS.key()),
                                s.get(Statistic.DRY_RUNS.key())))
                        .containsExactly(6L, 2L, 0L, 2L);
                assertThat(KAFKA.kafka().admin().listGroups().all().get().stream()
                                .map(GroupListing::groupId))
                        .contains(
                                "rotor-detection", "rotor-executor", "shadow-rotor-detection", "shadow-rotor-executor");
                final Set<String> all =
                        KAFKA.kafka().admin().listTopics().names().get();
                assertThat(all)
                        .contains(
                                "rotor-detection-events-by-secret-path-repartition",
                                "shadow-rotor-detection-events-by-secret-path-repartition");
                assertThat(all.stream().filter(t -> t.endsWith("-changelog")))
                        .anyMatch(t -> t.startsWith("shadow-rotor-executor-"))
                        .anyMatch(t -> t.startsWith("rotor-executor-"));
                assertThat(state.resolve("rotor-detection")).isDirectory();
                assertThat(state.resolve("shadow-rotor-detection")).isDirectory();
            } finally {
                shad.close(Duration.ofSeconds(10));
                prod.close(Duration.ofSeconds(10));
            }
        }
    }

    /** The README's shadow lines, as rotor would read them from a properties file. */
    private static Map<String, String> readmeExample() throws IOException {
        final Matcher m = EXAMPLE.matcher(Files.readString(Path.of("README.md")));
        assertThat(m.find()).as("README.md has the shadow-example block").isTrue();
        final Properties p = new Properties();
        p.load(new StringReader(m.group(1)));
        final Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }

    private static byte[] event(
            final String id, final String type, final String level, final String path, final Instant at) {
        return ("{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"threat_level\":\"" + level + "\","
                        + "\"description\":\"shadow mode test\",\"affected_resources\":[\"" + path + "\"],"
                        + "\"timestamp\":\"" + at + "\",\"metadata\":{\"failed_count\":1}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final byte[] value) throws Exception {
        producer.send(new ProducerRecord<>("security-events", value)).get();
    }

    private static List<JsonNode> values(final String topic) {
        return KAFKA.readAllCommitted(topic, WAIT).stream()
                .map(r -> {
                    try {
                        return JSON.readTree(r.value());
                    } catch (final IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static Map<String, String> statuses(final String topic) {
        final Map<String, String> out = new HashMap<>();
        values(topic)
                .forEach(r ->
                        out.put(r.path("secret_path").asText(), r.path("status").asText()));
        return out;
    }

    private static List<String> commandPaths(final String topic) {
        return values(topic).stream().map(c -> c.path("secret_path").asText()).toList();
    }

    /** The detection decisions for {@code path}, in the order they were written (one partition per secret). */
    private static List<String> decisions(final String topic, final String path) {
        return values(topic).stream()
                .filter(a -> path.equals(a.path("secret_path").asText()))
                .map(a -> a.path("decision").asText())
                .filter(d -> !d.startsWith("ROTATION_") && !d.equals("VAULT_CALL"))
                .toList();
    }
}
