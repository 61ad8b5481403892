package dev.rotor.bench;

import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.Setting;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.devvault.DevVault;
import dev.rotor.rotation.RotationTopology;
import dev.rotor.topics.TopicsAdmin;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What every scenario shares: the broker, the dev Vault (when a scenario needs one), the work and output directories,
 * the prefix of this invocation's topics and application ids, and rotor's configuration for the benchmark.
 */
final class BenchEnv implements AutoCloseable {
    static final int PARTITIONS = 6;

    final BenchSettings settings;
    final String bootstrap;
    final Path work;
    final Path out;
    final Path logs;
    /** Prefix of this invocation's topics and application ids, so reruns against one broker never mix. */
    final String prefix;

    final Path targetsFile;
    private final Admin admin;
    private DevVault vault;

    /** Whether the broker is this benchmark's own (so rotor's application state on it may be reset). */
    final boolean ownBroker;

    BenchEnv(final BenchSettings settings, final String bootstrap, final Path work, final String prefix)
            throws IOException {
        this.settings = settings;
        this.ownBroker = settings.bootstrap().isEmpty();
        this.bootstrap = bootstrap;
        this.work = work;
        this.out = settings.out();
        this.logs = out.resolve("logs");
        Files.createDirectories(logs);
        this.prefix = prefix;
        this.targetsFile = work.resolve("rotation-targets.yaml");
        try (InputStream in = BenchEnv.class.getResourceAsStream("/local/rotation-targets.yaml")) {
            Files.write(targetsFile, in.readAllBytes());
        }
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** The dev Vault, started on first use (in this JVM, on a free port). */
    synchronized DevVault vault() {
        if (vault == null) {
            vault = DevVault.start(0);
            vault.setResponseDelay(settings.vaultLatency());
        }
        return vault;
    }

    /**
     * rotor's settings for a scenario: its defaults (exactly_once_v2, one stream thread, ...) with only what the
     * benchmark must set — the broker, no schema registry (JSON output, as {@code rotor local}), the local rotation
     * targets ({@code secret/**} is kv2), a state directory, topics named {@code <prefix>-<scenario>-<name>} with 6
     * partitions, the storm breaker off — and then the operator's {@code --set} overrides.
     */
    Map<String, String> rotorOverrides(final String scenario, final Path stateDir) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("kafka.bootstrap.servers", bootstrap);
        m.put("kafka.schema.registry.url", "");
        m.put("kafka.state.dir", stateDir.toString());
        m.put("rotor.output.format", "json");
        m.put("rotor.targets.file", targetsFile.toString());
        m.put("rotor.topics.partitions", Integer.toString(PARTITIONS));
        final String t = prefix + "-" + scenario + "-";
        m.put("rotor.topic.security-events", t + "security-events");
        m.put("rotor.topic.rotation-commands", t + "rotation-commands");
        m.put("rotor.topic.rotation-results", t + "rotation-results");
        m.put("rotor.topic.security-alerts", t + "security-alerts");
        m.put("rotor.topic.security-critical", t + "security-critical");
        m.put("rotor.topic.rotation-audit", t + "rotation-audit");
        m.put("rotor.topic.security-events-dlq", t + "security-events-dlq");
        m.put("rotor.topic.rotor-control", t + "rotor-control");
        // the bench measures speed, not policy: with the storm breaker on, the incident's 10,000 secrets would be held
        // and the background mix's rotations would be skipped work (--set turns it back on)
        m.put("rotor.breaker.max-rotations", "0");
        m.put("rotor.breaker.max-secrets-per-event", "0");
        m.putAll(settings.rotorOverrides());
        return m;
    }

    /** Loads rotor's configuration as {@code rotor run} would, with the dev Vault's address and token when started. */
    RotorConfig rotorConfig(final Map<String, String> overrides) {
        final Map<String, String> env =
                vault == null ? Map.of() : Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken());
        return ConfigLoader.load(Optional.empty(), env, overrides);
    }

    /** Creates rotor's topics for a configuration (TopicsAdmin, as {@code rotor topics --create}). */
    void createRotorTopics(final RotorConfig config) throws InterruptedException, ExecutionException {
        try (TopicsAdmin topics = new TopicsAdmin(config)) {
            topics.createMissing();
        }
    }

    /**
     * Creates a topic with {@link #PARTITIONS} partitions, unlimited retention (the data set's times are old), and
     * waits until every partition's leader answers. Producing at once into a topic whose leaders are still being
     * elected can leave an idempotent producer retrying OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout.
     */
    void createTopic(final String name) throws InterruptedException, ExecutionException {
        final Set<String> existing = admin.listTopics().names().get();
        if (!existing.contains(name)) {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(PARTITIONS), Optional.empty())
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))))
                    .all()
                    .get();
        }
        TopicsAdmin.awaitLeaders(admin, name, Duration.ofSeconds(60));
    }

    /**
     * Gives the next in-process rotor a clean start, as {@code kafka-streams-application-reset} would: deletes the
     * consumer groups and internal topics (changelogs, repartition) of rotor's application ids, so no state, pending
     * rotation or offset of an earlier run carries over. Only on the benchmark's own broker; on a given one
     * (--bootstrap) nothing is deleted and runs share rotor's state.
     */
    void resetRotorApplications() throws InterruptedException, ExecutionException {
        if (!ownBroker) {
            return;
        }
        // the ids rotor's clients get: rotor.application-id-prefix (a --set override, else empty) + the base names
        final String idPrefix = settings.rotorOverrides()
                .getOrDefault(Setting.APPLICATION_ID_PREFIX.key(), "")
                .trim();
        final List<String> apps = List.of(
                idPrefix + DetectionTopology.APPLICATION_ID,
                idPrefix + RotationTopology.APPLICATION_ID,
                idPrefix + RotationTopology.SINGLE_CLIENT_APPLICATION_ID);
        try {
            admin.deleteConsumerGroups(apps).all().get();
        } catch (final ExecutionException e) {
            // a group that does not exist yet
        }
        final Supplier<List<String>> internal = () -> {
            try {
                return admin.listTopics().names().get().stream()
                        .filter(t -> apps.stream().anyMatch(a -> t.startsWith(a + "-")))
                        .toList();
            } catch (final InterruptedException | ExecutionException e) {
                throw new IllegalStateException("cannot list topics", e);
            }
        };
        final List<String> topics = internal.get();
        if (!topics.isEmpty()) {
            admin.deleteTopics(topics).all().get();
        }
        final long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!internal.get().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
        }
    }

    Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        admin.close();
        if (vault != null) {
            vault.close();
        }
    }
}
