package dev.rotor.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.ControllerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka cluster (one combined broker+controller, node id 0) running inside the test JVM, built
 * on Kafka's own {@link KafkaClusterTestKit}.
 *
 * <p>The broker is configured so that a single node is enough for transactions and exactly-once Kafka Streams
 * (replication factor 1 / min ISR 1 for the internal offsets, transaction and share-state topics), starts fast (few
 * internal-topic partitions, no initial rebalance delay) and keeps its data in a temporary directory that is deleted by
 * {@link #close()}. It is formatted like a production 4.x broker ({@code kafka-storage format} defaults: the latest
 * <em>production</em> metadata version and feature levels, unstable APIs off) rather than with the test kit's defaults
 * (latest <em>testing</em> metadata version, unstable APIs on).
 *
 * <p>Usage: {@code try (EmbeddedKafka kafka = EmbeddedKafka.start()) { ... }}, or per test class through
 * {@link EmbeddedKafkaExtension}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Broker settings applied unless overridden through {@link #start(Map)}. */
    public static final Map<String, String> DEFAULT_BROKER_CONFIG = Map.ofEntries(
            // A single broker: every internal topic must be creatable with one replica, otherwise group
            // coordination / transactions never become available and consumers silently read nothing.
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "5"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "5"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("default.replication.factor", "1"),
            Map.entry("min.insync.replicas", "1"),
            Map.entry("num.partitions", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            // Behave like a production broker, not like Kafka's own unit-test brokers.
            Map.entry("unstable.api.versions.enable", "false"),
            Map.entry("unstable.feature.versions.enable", "false"));

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaClusterTestKit cluster;
    private final Path baseDir;
    private final String bootstrapServers;
    private final Duration startupTime;
    private volatile boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDir, Duration startupTime) {
        this.cluster = cluster;
        this.baseDir = baseDir;
        this.bootstrapServers = cluster.bootstrapServers();
        this.startupTime = startupTime;
    }

    /**
     * Formats and starts a single-node cluster with {@link #DEFAULT_BROKER_CONFIG}; returns once the broker is ready.
     */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /**
     * Like {@link #start()}, with extra or overriding broker settings (e.g. {@code auto.create.topics.enable=false}).
     */
    public static EmbeddedKafka start(Map<String, String> brokerConfigOverrides) {
        long t0 = System.nanoTime();
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("rotor-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's temp dir", e);
        }
        Map<String, String> config = new TreeMap<>(DEFAULT_BROKER_CONFIG);
        config.putAll(brokerConfigOverrides);

        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrapMetadata())
                    // "combined" only makes controller ids start at the broker ids (0); the controller
                    // count must still be set, or the node gets no controller role at all.
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(baseDir)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            config.forEach(builder::setConfigProp);
            cluster = builder.build();
            long built = System.nanoTime();
            format(cluster);
            long formatted = System.nanoTime();
            cluster.startup();
            cluster.waitForReadyBrokers();
            long ready = System.nanoTime();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, baseDir, Duration.ofNanos(ready - t0));
            LOG.debug(
                    "Kafka {} ready in {} ms (build {} ms, format {} ms, startup {} ms), data in {}",
                    kafka.bootstrapServers,
                    kafka.startupTime.toMillis(),
                    millis(t0, built),
                    millis(built, formatted),
                    millis(formatted, ready),
                    baseDir);
            return kafka;
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            TestDirs.deleteTree(baseDir);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("embedded Kafka failed to start", e);
        }
    }

    /**
     * Does what {@link KafkaClusterTestKit#format()} does for a static-quorum cluster (one {@link Formatter} run per
     * controller; combined nodes share the controller's directories), except that the formatter's progress lines go to
     * a DEBUG log instead of straight to {@code System.out}, and unstable feature versions are refused, as
     * {@code kafka-storage format} does by default.
     */
    private static void format(KafkaClusterTestKit cluster) throws Exception {
        if (cluster.brokers().keySet().stream().anyMatch(id -> !cluster.nodes().isCombined(id))) {
            throw new IllegalStateException("only combined broker+controller nodes are formatted here");
        }
        MetadataVersion release = cluster.nodes().bootstrapMetadata().metadataVersion();
        for (ControllerServer controller : cluster.controllers().values()) {
            MetaPropertiesEnsemble ensemble = controller.sharedServer().metaPropsEnsemble();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Formatter formatter = new Formatter()
                    .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .setNodeId(ensemble.nodeId().getAsInt())
                    .setClusterId(ensemble.clusterId().get())
                    .setDirectories(ensemble.logDirProps().keySet())
                    .setMetadataLogDirectory(ensemble.metadataLogDir().get())
                    .setReleaseVersion(release)
                    .setUnstableFeatureVersionsEnabled(false)
                    .setIgnoreFormatted(false)
                    .setControllerListenerName(
                            cluster.nodes().controllerListenerName().value());
            try {
                formatter.run();
            } finally {
                LOG.debug(
                        "format node {}: {}",
                        ensemble.nodeId().getAsInt(),
                        out.toString(StandardCharsets.UTF_8).trim());
            }
        }
    }

    /**
     * What {@code kafka-storage format} writes by default: the latest production metadata version and the default level
     * of every production feature for it (transaction.version, group.version, streams.version, ...).
     */
    private static BootstrapMetadata productionBootstrapMetadata() {
        MetadataVersion mv = MetadataVersion.latestProduction();
        Map<String, Short> features = new TreeMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            features.put(feature.featureName(), feature.defaultLevel(mv));
        }
        return BootstrapMetadata.fromVersions(mv, features, "rotor-embedded-kafka");
    }

    /** {@code host:port} of the broker's client listener (e.g. {@code localhost:41234}). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Wall-clock time from {@link #start()} until the broker was registered, unfenced and serving metadata. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The temporary directory holding the metadata and log dirs (deleted on close). */
    public Path dataDirectory() {
        return baseDir;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    /**
     * Creates the topics with {@code partitions} partitions and replication factor 1, and waits until every partition
     * has a leader. A topic that already exists with the same partition count is accepted; one with a different count
     * is an error.
     */
    public void createTopics(int partitions, String... names) {
        if (names.length == 0) {
            return;
        }
        List<NewTopic> topics = Arrays.stream(names)
                .map(name -> new NewTopic(name, partitions, (short) 1))
                .toList();
        try (Admin admin = admin()) {
            Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
            for (Map.Entry<String, KafkaFuture<Void>> entry : results.entrySet()) {
                try {
                    entry.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
            awaitTopicsReady(admin, Set.of(names), partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + Arrays.toString(names), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics " + Arrays.toString(names), e);
        }
    }

    private static void awaitTopicsReady(Admin admin, Collection<String> names, int partitions)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        String lastProblem = "";
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(names)
                        .allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                List<String> notReady = new ArrayList<>();
                for (TopicDescription description : descriptions.values()) {
                    if (description.partitions().size() != partitions) {
                        throw new IllegalStateException("topic " + description.name() + " exists with "
                                + description.partitions().size() + " partitions, expected " + partitions);
                    }
                    boolean leaderless = description.partitions().stream()
                            .anyMatch(p -> p.leader() == null || p.leader().isEmpty());
                    if (leaderless) {
                        notReady.add(description.name());
                    }
                }
                if (notReady.isEmpty()) {
                    return;
                }
                lastProblem = "no leader yet for " + notReady;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topics " + names, e.getCause());
                }
                lastProblem = e.getCause().toString();
            }
            Thread.sleep(20);
        }
        throw new TimeoutException("topics " + names + " not ready after " + ADMIN_TIMEOUT + ": " + lastProblem);
    }

    /**
     * Producer settings: byte[] keys/values, {@code acks=all}, idempotence on. Add {@code transactional.id} for a
     * transactional producer. The returned map is mutable.
     */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return props;
    }

    /**
     * Consumer settings for a consumer group: byte[] keys/values, {@code isolation.level=read_committed},
     * {@code auto.offset.reset=earliest}, auto-commit off. The returned map is mutable.
     */
    public Map<String, Object> consumerProps(String groupId) {
        Map<String, Object> props = groupLessConsumerProps();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return props;
    }

    private Map<String, Object> groupLessConsumerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    /**
     * Kafka Streams settings for this broker with {@code exactly_once_v2}, a short commit interval (so results show up
     * quickly) and no record cache. The returned map is mutable; serdes are left to the caller.
     */
    public Map<String, Object> streamsProps(String applicationId, Path stateDir) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }

    /**
     * Reads the topic from the beginning of every partition (without a consumer group, {@code read_committed}) until
     * {@code expected} records have been read or {@code timeout} has passed, and returns what was read (possibly fewer
     * than {@code expected}, possibly more if they arrived in the same poll). Records are in partition order within
     * each partition; partitions are interleaved as the consumer returned them.
     */
    public List<ConsumerRecord<byte[], byte[]>> readRecords(String topic, int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(groupLessConsumerProps())) {
            if (!assignAll(consumer, topic, deadline)) {
                return records;
            }
            while (records.size() < expected) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    break;
                }
                consumer.poll(Duration.ofMillis(Math.min(remainingMs, 200))).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Reads every record currently visible to a {@code read_committed} consumer: from the beginning of each partition
     * up to its last stable offset at the time of the call (an open transaction stops the read at its first record).
     * Fails if that position is not reached within {@code timeout}.
     */
    public List<ConsumerRecord<byte[], byte[]>> readAllCommitted(String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(groupLessConsumerProps())) {
            if (!assignAll(consumer, topic, deadline)) {
                throw new IllegalStateException("topic " + topic + " not found within " + timeout);
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    throw new IllegalStateException("read only " + records.size() + " records of " + topic + " within "
                            + timeout + "; end offsets " + end);
                }
                consumer.poll(Duration.ofMillis(Math.min(remainingMs, 200))).forEach(records::add);
            }
        }
        return records;
    }

    private static boolean assignAll(KafkaConsumer<byte[], byte[]> consumer, String topic, long deadline) {
        while (true) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofMillis(Math.max(remainingMs, 1)));
            if (partitions != null && !partitions.isEmpty()) {
                List<TopicPartition> assignment = partitions.stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .sorted(Comparator.comparingInt(TopicPartition::partition))
                        .toList();
                consumer.assign(assignment);
                consumer.seekToBeginning(assignment);
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Stops the broker and controller and deletes the data directory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        try {
            cluster.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Includes faults the broker reported to the test kit's fault handlers while running.
            throw new IllegalStateException("embedded Kafka did not shut down cleanly", e);
        } finally {
            TestDirs.deleteTree(baseDir);
            LOG.debug("Kafka {} stopped in {} ms", bootstrapServers, millis(t0, System.nanoTime()));
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + (closed ? ", closed" : "") + "]";
    }

    /** Groups records by partition, preserving order; handy in assertions. */
    public static Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition(
            List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::partition, LinkedHashMap::new, Collectors.toList()));
    }
}
