package dev.rotor.service;

import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.notify.NotificationDelivery;
import dev.rotor.notify.NotifySettings;
import dev.rotor.ops.GroupStatistics;
import dev.rotor.ops.OpsServer;
import dev.rotor.ops.RotorMetrics;
import dev.rotor.ops.Statistics;
import dev.rotor.rotation.ExecutorSetup;
import dev.rotor.rotation.RotationTopology;
import dev.rotor.rotation.RotationWorkers;
import dev.rotor.rotation.VaultAuthWatch;
import dev.rotor.streams.StuckRecords;
import dev.rotor.topics.AdminTopicsCheck;
import dev.rotor.topics.Producers;
import dev.rotor.topics.Topics;
import dev.rotor.topics.TopicsAdmin;
import dev.rotor.vault.SecretRotator;
import dev.rotor.vault.VaultRotator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rotor's running Kafka Streams clients. {@code --role all} runs detection and the executor as two clients,
 * {@code rotor-detection} and {@code rotor-executor}, joined by rotation-commands (the roles detection and executor run
 * one of them); with {@code rotor.single-client=true} it runs one client, {@code rotor} ({@link RotorTopology}: the
 * rules hand their commands straight to the executor). The executor never calls Vault on a stream thread, so a slow
 * Vault never delays detection either way. Used by {@code rotor run} and by the end-to-end tests, so both wire rotor
 * the same way. The clients are keyed by their application id: {@code rotor.application-id-prefix} followed by the base
 * name, so two instances with different prefixes (production and a shadow) share no consumer group, internal topic,
 * transactional id or state directory on one cluster.
 */
public final class RotorService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RotorService.class);
    /** The topology descriptions, at INFO: shown with {@code --verbose}, silenced on the console for people. */
    public static final String TOPOLOGY_LOGGER = "dev.rotor.topology";

    private static final Logger TOPOLOGY = LoggerFactory.getLogger(TOPOLOGY_LOGGER);

    /** Which clients an instance runs. */
    public enum Role {
        ALL,
        DETECTION,
        EXECUTOR
    }

    private final Map<String, KafkaStreams> clients = new LinkedHashMap<>();
    private final RotationWorkers workers;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final RotorMetrics metrics = RotorMetrics.create();
    private AdminTopicsCheck topicsCheck;
    private VaultAuthWatch vaultAuthWatch;
    private OpsServer ops;
    private NotificationDelivery notifications;

    private RotorService(final RotorConfig config, final Role role, final SecretRotator rotator) {
        final Topics topics = new Topics(config);
        // the executor's setup, made once whichever client runs it; detection alone needs none
        final ExecutorSetup executor = role == Role.DETECTION
                ? null
                : new ExecutorSetup(
                        config,
                        topics,
                        rotator,
                        new RotationWorkers(config.executor().parallelism()),
                        metrics,
                        commandPartitions(config));
        workers = executor == null ? null : executor.workers();
        if (workers != null) {
            metrics.bindRotationWorkers(workers::limit, workers::running, workers::waiting);
        }
        if (role == Role.ALL && config.singleClient()) {
            add(
                    config.applicationId(RotorTopology.APPLICATION_ID),
                    builder -> RotorTopology.build(builder, executor),
                    stuck -> RotorTopology.streamsProperties(config, topics, metrics, stuck));
            watchVaultAuth(config, topics, rotator);
            return;
        }
        if (role != Role.EXECUTOR) {
            add(
                    config.applicationId(DetectionTopology.APPLICATION_ID),
                    builder -> DetectionTopology.build(builder, config, topics, metrics),
                    stuck -> DetectionTopology.streamsProperties(config, topics, metrics, stuck));
        }
        if (executor != null) {
            add(
                    config.applicationId(RotationTopology.APPLICATION_ID),
                    builder -> RotationTopology.build(builder, executor),
                    stuck -> RotationTopology.streamsProperties(config, topics, metrics, stuck));
            watchVaultAuth(config, topics, rotator);
        }
    }

    private void watchVaultAuth(final RotorConfig config, final Topics topics, final SecretRotator rotator) {
        if (rotator instanceof VaultRotator vault) {
            // keeps the token alive; while Vault refuses rotor, readiness says so and a person is alerted
            vaultAuthWatch =
                    new VaultAuthWatch(vault.client(), metrics, topics.securityCritical(), Producers.bytes(config));
        }
    }

    private static int commandPartitions(final RotorConfig config) {
        try (TopicsAdmin admin = new TopicsAdmin(config)) {
            return admin.prepareExecutor(Duration.ofSeconds(30));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the executor's topics", e);
        }
    }

    /**
     * The rotator an instance with {@code config} uses: with {@code rotor.dry-run=true} one that cannot reach Vault (a
     * dry run decides and publishes DRY_RUN results, calls nothing in Vault and so needs no Vault credentials; were it
     * ever asked to rotate, the rotation would fail rather than happen), else {@link VaultRotator#fromConfig}.
     */
    public static SecretRotator rotator(final RotorConfig config) {
        if (config.dryRun()) {
            return request -> {
                throw new IllegalStateException("rotor.dry-run=true: nothing is rotated in Vault");
            };
        }
        return VaultRotator.fromConfig(config);
    }

    /** Builds and starts the clients of {@code role}; {@code rotator} may be null for the detection role. */
    public static RotorService start(final RotorConfig config, final Role role, final SecretRotator rotator) {
        // checked before anything starts: a sink without its credential is a configuration error (exit 2)
        final NotifySettings notify = role == Role.DETECTION ? null : NotifySettings.from(config, System.getenv());
        final RotorService service = new RotorService(config, role, rotator);
        service.metrics.bindStreams(service.clients);
        service.metrics.bindStatistics(Statistics.forClients(service.clients));
        final KafkaStreams executor = service.clients.getOrDefault(
                config.applicationId(RotationTopology.APPLICATION_ID),
                service.clients.get(config.applicationId(RotorTopology.APPLICATION_ID)));
        if (executor != null) {
            service.metrics.bindPendingRotations(executor);
        }
        service.clients.values().forEach(KafkaStreams::start);
        if (service.vaultAuthWatch != null) {
            service.vaultAuthWatch.start();
        }
        if (notify != null) {
            // its own consumer group: a slow webhook never delays a rotation (README "Notification sinks")
            service.notifications = NotificationDelivery.start(config, notify, service.metrics::notification)
                    .orElse(null);
        }
        return service;
    }

    /**
     * Like {@link #start} and also serves /health, /metrics and /stats on {@code rotor.http.*}; readiness includes the
     * existence of rotor's topics.
     */
    public static RotorService startWithEndpoints(
            final RotorConfig config, final Role role, final SecretRotator rotator) {
        // bound first, so that the port (any free one with port 0) can be advertised to the group before it starts
        final OpsServer.Listening listening =
                OpsServer.listen(config.http().bindAddress(), config.http().port());
        final HostInfo self = new HostInfo(advertisedHost(config.http()), listening.port());
        final RotorService service;
        try {
            service = start(
                    config.withKafka(Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port())),
                    role,
                    rotator);
        } catch (final RuntimeException e) {
            listening.server().stop(0);
            throw e;
        }
        try {
            final Topics topics = new Topics(config);
            service.topicsCheck = AdminTopicsCheck.start(
                    config.kafka(), role == Role.DETECTION ? topics.namesBeforeStart() : topics.allNames());
            final Statistics statistics = Statistics.forClients(service.clients);
            service.ops = OpsServer.serve(
                    listening,
                    OpsServer.ClientStates.of(service.clients),
                    service.metrics,
                    statistics,
                    service.topicsCheck);
            service.ops.serveGroupStatistics(new GroupStatistics(statistics, service.clients, self));
        } catch (final RuntimeException e) {
            service.close(Duration.ofSeconds(10));
            throw e;
        }
        return service;
    }

    /** Where the other instances reach this one: the setting, else the bind address, else this machine's name. */
    static String advertisedHost(final RotorConfig.HttpSettings http) {
        if (!http.advertisedHost().isEmpty()) {
            return http.advertisedHost();
        }
        if (!http.bindAddress().equals("0.0.0.0") && !http.bindAddress().equals("::")) {
            return http.bindAddress();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (final UnknownHostException e) {
            return "localhost";
        }
    }

    /** The port of the HTTP endpoints, when they are served. */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    /**
     * Builds one client: its topology into a fresh builder, its properties with the stuck-record watch that its
     * handlers and its uncaught-exception handler share.
     */
    private void add(
            final String applicationId,
            final Consumer<StreamsBuilder> topologyOf,
            final Function<StuckRecords, Properties> propertiesOf) {
        final StreamsBuilder builder = new StreamsBuilder();
        topologyOf.accept(builder);
        final StuckRecords stuck = new StuckRecords(metrics);
        final Properties props = propertiesOf.apply(stuck);
        final Topology topology = builder.build(props);
        TOPOLOGY.info("{} topology:\n{}", applicationId, topology.describe());
        final KafkaStreams streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> {
            final Duration backoff = stuck.replaced(applicationId, e);
            LOG.error(
                    "{}: stream thread failed ({}); replacing it in {} ms",
                    applicationId,
                    e.getClass().getName(),
                    backoff.toMillis());
            sleep(backoff); // on the dying thread: a record that fails every time is retried with a growing pause
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("{}: {} -> {}", applicationId, before, now);
            if (now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        clients.put(applicationId, streams);
    }

    private static void sleep(final Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Map<String, KafkaStreams> clients() {
        return clients;
    }

    public boolean allRunning() {
        return clients.values().stream().allMatch(s -> s.state() == KafkaStreams.State.RUNNING);
    }

    public boolean anyFailed() {
        return clients.values().stream().anyMatch(s -> s.state() == KafkaStreams.State.ERROR);
    }

    /** Blocks until a client fails or {@link #close} is called. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Closes every client, leaving the consumer groups so partitions move at once; state is kept. */
    public void close(final Duration timeout) {
        if (ops != null) {
            ops.close();
        }
        if (topicsCheck != null) {
            topicsCheck.close();
        }
        if (vaultAuthWatch != null) {
            vaultAuthWatch.close();
        }
        if (notifications != null) {
            notifications.close();
        }
        clients.values()
                .forEach(s ->
                        s.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                                .withTimeout(timeout)));
        if (workers != null) {
            workers.close();
        }
        metrics.close();
        stopped.countDown();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
