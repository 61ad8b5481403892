package dev.rotor.topics;

import dev.rotor.config.RotorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and checks rotor's topics. rotation-commands must keep its partition count: commands are keyed by secret
 * path, and changing the count would move a secret to another partition while older commands for it are queued.
 */
public final class TopicsAdmin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicsAdmin.class);

    /** One topic's state against the configuration. {@code problem} is empty when it is as configured. */
    public record Check(String topic, boolean exists, int partitions, Optional<String> problem) {}

    private final RotorConfig config;
    private final Admin admin;

    public TopicsAdmin(final RotorConfig config) {
        this.config = config;
        final Map<String, Object> props = new LinkedHashMap<>(config.kafka());
        props.keySet().retainAll(AdminClientConfig.configNames());
        this.admin = Admin.create(props);
    }

    /** Every topic rotor reads or writes. */
    public List<String> topicNames() {
        return new Topics(config).allNames();
    }

    /** Creates the missing topics with the configured partitions, replication and retention; returns those created. */
    public List<String> createMissing() throws InterruptedException, ExecutionException {
        final Set<String> existing = admin.listTopics().names().get();
        final List<NewTopic> missing = new ArrayList<>();
        for (final String t : topicNames()) {
            if (!existing.contains(t)) {
                missing.add(newTopic(t));
            }
        }
        try {
            admin.createTopics(missing).all().get();
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        return missing.stream().map(NewTopic::name).toList();
    }

    /**
     * How {@code t} is created: with the configured partitions, replication and retention, except rotor-control, which
     * has one partition and is compacted, so an operator's latest decision per key is kept however old it is.
     */
    private NewTopic newTopic(final String t) {
        final RotorConfig.TopicSettings s = config.topicSettings();
        final Optional<Short> replication =
                s.replicationFactor() < 0 ? Optional.empty() : Optional.of((short) s.replicationFactor());
        if (t.equals(config.topics().rotorControl())) {
            return new NewTopic(t, Optional.of(1), replication)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return new NewTopic(t, Optional.of(s.partitions()), replication)
                .configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(s.retention().toMillis())));
    }

    /**
     * What the executor needs before it starts: rotor-control exists (created here when missing, since the executor's
     * global store of operator decisions cannot start without it), and the partition count of rotation-commands, over
     * which the storm breaker splits its budget (the configured count while the topic does not exist yet).
     */
    public int prepareExecutor(final Duration timeout) throws InterruptedException {
        final String control = config.topics().rotorControl();
        final String commands = config.topics().rotationCommands();
        try {
            final Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!existing.contains(control)) {
                try {
                    admin.createTopics(List.of(newTopic(control))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("Created topic {} (operator commands)", control);
                } catch (final ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            // the global store fails at once if the new topic's partitions are not known yet ("no partitions
            // available")
            awaitLeaders(admin, control, timeout);
            if (existing.contains(commands)) {
                return admin.describeTopics(List.of(commands))
                        .allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .get(commands)
                        .partitions()
                        .size();
            }
        } catch (final ExecutionException | TimeoutException e) {
            LOG.warn(
                    "Could not check topics {} and {} ({}); the storm breaker assumes {} partitions",
                    control,
                    commands,
                    e.getClass().getSimpleName(),
                    config.topicSettings().partitions());
        }
        return config.topicSettings().partitions();
    }

    /**
     * Waits until every partition of {@code topic} has a leader that answers (a just-created topic has none yet: a
     * consumer finds no partitions, and an idempotent producer can retry OUT_OF_ORDER_SEQUENCE_NUMBER for ever).
     */
    public static void awaitLeaders(final Admin admin, final String topic, final Duration timeout)
            throws InterruptedException, ExecutionException {
        final long until = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                final TopicDescription d = admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .get(topic);
                final Map<TopicPartition, OffsetSpec> ends = new LinkedHashMap<>();
                d.partitions().forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                // answered by each partition's leader: it fails until that broker has taken the leadership
                admin.listOffsets(ends).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (final ExecutionException | TimeoutException e) {
                if (System.nanoTime() > until) {
                    throw e instanceof ExecutionException ee ? ee : new ExecutionException(e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Checks every topic: it must exist, and rotation-commands must have the configured partition count. */
    public List<Check> validate() throws InterruptedException, ExecutionException {
        final Set<String> existing = admin.listTopics().names().get();
        final List<String> present =
                topicNames().stream().filter(existing::contains).toList();
        final Map<String, TopicDescription> d = present.isEmpty()
                ? Map.of()
                : admin.describeTopics(present).allTopicNames().get();
        final List<Check> out = new ArrayList<>();
        for (final String t : topicNames()) {
            final TopicDescription td = d.get(t);
            if (td == null) {
                out.add(new Check(t, false, 0, Optional.of("missing (rotor topics --create creates it)")));
                continue;
            }
            final int partitions = td.partitions().size();
            Optional<String> problem = Optional.empty();
            if (t.equals(config.topics().rotationCommands())
                    && partitions != config.topicSettings().partitions()) {
                problem = Optional.of("has " + partitions + " partitions but rotor.topics.partitions is "
                        + config.topicSettings().partitions() + "; changing it would reorder commands for a secret");
            }
            out.add(new Check(t, true, partitions, problem));
        }
        return out;
    }

    /** Blocks until the given topics exist, logging what it waits for every 10 seconds. */
    public void awaitTopics(final List<String> topics, final Duration timeout) throws InterruptedException {
        final long until = System.nanoTime() + timeout.toNanos();
        long nextLog = 0;
        while (true) {
            final Set<String> existing = existingTopics();
            final List<String> missing =
                    topics.stream().filter(t -> !existing.contains(t)).toList();
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("topics still missing after " + timeout.toSeconds() + " s: " + missing);
            }
            if (System.nanoTime() > nextLog) {
                LOG.info("Waiting for topics {} (create them with: rotor topics --create)", missing);
                nextLog = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            Thread.sleep(500);
        }
    }

    private Set<String> existingTopics() throws InterruptedException {
        try {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS);
        } catch (final ExecutionException | TimeoutException e) {
            LOG.debug("cannot list topics yet: {}", e.getClass().getSimpleName());
            return Set.of();
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
