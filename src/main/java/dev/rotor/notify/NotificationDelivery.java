package dev.rotor.notify;

import dev.rotor.config.RotorConfig;
import dev.rotor.serde.RegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers rotor's notifications beyond Kafka (README "Notification sinks"): a small consumer of its own
 * ({@code rotor.notify.group-id}) reads security-critical and/or security-alerts and hands each notification to the
 * sinks of its channel.
 *
 * <ol>
 *   <li><b>Apart from the executor.</b> A slow or failing webhook never delays a rotation: the executor only writes the
 *       notification to Kafka in its exactly-once transaction (an HTTP call cannot be part of it anyway), and this
 *       consumer delivers it afterwards on its own thread.
 *   <li><b>At least once.</b> A notification's offset is committed, synchronously, once every sink of its channel
 *       delivered it or gave up (bounded attempts). Only committed records are read ({@code read_committed}), so a
 *       notification of an aborted executor transaction never pages anyone.
 *   <li><b>Once per dedup key.</b> A redelivery is recognised by {@link Alert#dedupKey()} ({@link AlertRouter}); when
 *       partitions are assigned, up to {@code rotor.notify.dedup-window} notifications per partition before the
 *       committed offset are read again (and not delivered) to rebuild that record and PagerDuty's open incidents, so a
 *       restart or a partition moving to another instance neither re-sends nor forgets them.
 *   <li><b>A new group starts at the end</b> of the topics and commits that position at once: enabling a sink never
 *       pages for last week's failures, and a notification published after the first start is never skipped.
 *   <li><b>Unreadable notifications</b> are logged (topic, partition, offset; never content), counted as failed for
 *       each sink and skipped; while the schema registry cannot be used the record is read again after a pause.
 *   <li><b>Limits.</b> A crash after a sink accepted a notification and before its offset was committed sends it again
 *       on restart: PagerDuty folds it into the open incident (same dedup key), a Slack channel shows it twice. With
 *       several instances, resolving needs security-alerts and security-critical to have the same partition count (as
 *       {@code rotor topics --create} makes them): the range assignor then gives one secret's two partitions to the
 *       same instance.
 * </ol>
 */
public final class NotificationDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationDelivery.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration REGISTRY_RETRY = Duration.ofSeconds(5);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    private final RotorConfig config;
    private final NotifySettings settings;
    private final DeliveryMetrics metrics;
    private final Stop stop = new Stop();
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final Map<Channel, List<Sink>> sinks = new EnumMap<>(Channel.class);
    private final AlertRouter router;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> rereadUntil = new HashMap<>();
    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private final NotificationDecoder decoder;
    private volatile boolean ready;

    private NotificationDelivery(
            final RotorConfig config, final NotifySettings settings, final DeliveryMetrics metrics) {
        this.config = config;
        this.settings = settings;
        this.metrics = metrics;
        final HttpDelivery http =
                new HttpDelivery(settings.timeout(), settings.maxAttempts(), settings.backoff(), stop, metrics);
        PagerDutySink pagerDuty = null;
        for (final Channel c : Channel.values()) {
            final List<Sink> list = new ArrayList<>();
            for (final SinkKind kind : settings.sinksOf(c)) {
                if (kind == SinkKind.SLACK) {
                    list.add(new SlackSink(c, settings.slackWebhooks().get(c), http));
                } else {
                    pagerDuty = new PagerDutySink(
                            settings.pagerDutyRoutingKey().orElseThrow(),
                            settings.pagerDutyUrl(),
                            settings.pagerDutySource(),
                            http);
                    list.add(pagerDuty);
                }
            }
            sinks.put(c, list);
            // security-alerts is read for PagerDuty's resolves even when it has no sink of its own
            if (!list.isEmpty() || (c == Channel.ALERTS && settings.pagerDuty())) {
                channels.put(c.topic(config), c);
            }
        }
        this.router = new AlertRouter(sinks, pagerDuty, settings.dedupWindow(), metrics);
        this.decoder = new NotificationDecoder(config.kafka());
        this.consumer = new KafkaConsumer<>(consumerProperties());
        this.thread = new Thread(this::run, "rotor-notify");
        this.thread.setDaemon(true);
    }

    /**
     * Starts delivering when {@code settings} name any sink.
     *
     * @return empty when no sink is configured (nothing is started)
     */
    public static Optional<NotificationDelivery> start(
            final RotorConfig config, final NotifySettings settings, final DeliveryMetrics metrics) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        final NotificationDelivery d = new NotificationDelivery(config, settings, metrics);
        d.thread.start();
        LOG.info("Notification delivery started: {} (group {})", d.describe(), settings.groupId());
        return Optional.of(d);
    }

    /** True once partitions are assigned and positioned: a notification published from now on is delivered. */
    public boolean ready() {
        return ready && !assigned.isEmpty();
    }

    /**
     * Stops after the delivery in progress (its pauses end at once; a request in flight ends within the timeout); a
     * notification not yet delivered to every sink is read again at the next start. The consumer is not woken up: a
     * wake-up could break the commit of a notification just delivered, which would then be sent again.
     */
    @Override
    public void close() {
        stop.raise();
        try {
            thread.join(settings.timeout().plusSeconds(10).toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String describe() {
        final List<String> parts = new ArrayList<>();
        sinks.forEach((c, list) -> {
            if (!list.isEmpty()) {
                parts.add(
                        c.id() + " -> " + list.stream().map(s -> s.kind().id()).toList());
            }
        });
        if (settings.pagerDuty()) {
            parts.add("security-alerts resolves pagerduty incidents");
        }
        return String.join(", ", parts);
    }

    private void run() {
        try {
            consumer.subscribe(channels.keySet(), new Rebalance());
            while (!stop.raised()) {
                try {
                    for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        if (stop.raised()) {
                            break;
                        }
                        process(r);
                    }
                } catch (final WakeupException e) {
                    break;
                } catch (final KafkaException e) {
                    LOG.error("Notification delivery: {}; going on in 1 s", e.toString());
                    stop.pause(Duration.ofSeconds(1));
                }
            }
        } catch (final WakeupException e) {
            // closing
        } catch (final RuntimeException e) {
            LOG.error("Notification delivery stopped: {}", e.toString());
        } finally {
            decoder.close();
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (final RuntimeException e) {
                LOG.debug("closing the notification consumer: {}", e.toString());
            }
        }
    }

    private void process(final ConsumerRecord<byte[], byte[]> r) {
        final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        final Channel channel = channels.get(r.topic());
        final Long until = rereadUntil.get(tp);
        final boolean reread = until != null && r.offset() < until;
        final Alert alert;
        try {
            alert = Alert.of(channel, r.key(), decoder.decode(r.value()));
        } catch (final RegistryException e) {
            // the registry, not the record (a bad record is an AvroDecodingException): read it again later
            LOG.warn(
                    "Notification {}-{}@{} waits for the schema registry: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
            consumer.seek(tp, r.offset());
            stop.pause(REGISTRY_RETRY);
            return;
        } catch (final RuntimeException e) {
            unreadable(r, tp, channel, reread, e);
            return;
        }
        if (reread) {
            router.remember(tp, alert);
            return;
        }
        try {
            if (router.handle(tp, alert)) {
                commit(tp, r.offset() + 1);
            }
        } catch (final RuntimeException e) {
            // a bug here must not stop every later notification; this one is skipped, loudly
            LOG.error(
                    "Notification {}-{}@{} not delivered: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getClass().getName());
            sinks.get(channel).forEach(s -> metrics.record(s.kind().id(), DeliveryMetrics.FAILED));
            commit(tp, r.offset() + 1);
        }
    }

    private void unreadable(
            final ConsumerRecord<byte[], byte[]> r,
            final TopicPartition tp,
            final Channel channel,
            final boolean reread,
            final RuntimeException e) {
        if (reread) {
            return;
        }
        LOG.error(
                "Notification {}-{}@{} cannot be read ({}); not delivered",
                r.topic(),
                r.partition(),
                r.offset(),
                e.getClass().getSimpleName());
        sinks.get(channel).forEach(s -> metrics.record(s.kind().id(), DeliveryMetrics.FAILED));
        commit(tp, r.offset() + 1);
    }

    private void commit(final TopicPartition tp, final long next) {
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)), COMMIT_TIMEOUT);
        } catch (final WakeupException e) {
            throw e;
        } catch (final KafkaException e) {
            // the partition moved meanwhile: its next owner reads the notification again and recognises it
            LOG.warn("Notification offset {} of {} not committed: {}", next, tp, e.toString());
        }
    }

    private Map<String, Object> consumerProperties() {
        final Map<String, Object> props = new HashMap<>(config.kafka());
        props.keySet().retainAll(ConsumerConfig.configNames());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId() + "-" + Long.toHexString(System.nanoTime()));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // one notification per poll: the time between polls is then one notification's deliveries at most
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int)
                Math.min(Integer.MAX_VALUE, Math.max(300_000L, worstCaseMillis() + 60_000L)));
        if (!"consumer".equalsIgnoreCase(String.valueOf(props.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            // same partition number of both topics to one member: a secret's failures and successes meet
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        }
        return props;
    }

    /** The longest one notification can take: each sink and each resolve using every attempt and pause. */
    long worstCaseMillis() {
        long pauses = 0;
        Duration pause = settings.backoff();
        for (int i = 1; i < settings.maxAttempts(); i++) {
            pauses += pause.toMillis();
            pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(HttpDelivery.MAX_BACKOFF_SECONDS)) > 0
                    ? Duration.ofSeconds(HttpDelivery.MAX_BACKOFF_SECONDS)
                    : pause.multipliedBy(2);
        }
        final long perCall = settings.maxAttempts() * settings.timeout().toMillis() + pauses;
        final int calls = sinks.values().stream().mapToInt(List::size).max().orElse(1)
                + (settings.pagerDuty() ? AlertRouter.MAX_OPEN_PER_SECRET : 0);
        return calls * perCall;
    }

    /** Positions newly assigned partitions: a new group at the end, else a re-read window before the commit. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                ready = true;
                return;
            }
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            final Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
            final Map<TopicPartition, OffsetAndMetadata> fresh = new HashMap<>();
            for (final TopicPartition tp : partitions) {
                final OffsetAndMetadata c = committed.get(tp);
                if (c == null) {
                    fresh.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                    rereadUntil.remove(tp);
                    continue;
                }
                final long from = Math.max(beginnings.getOrDefault(tp, 0L), c.offset() - settings.dedupWindow());
                if (from < c.offset()) {
                    consumer.seek(tp, from);
                    rereadUntil.put(tp, c.offset());
                } else {
                    rereadUntil.remove(tp);
                }
            }
            if (!fresh.isEmpty()) {
                consumer.commitSync(fresh, COMMIT_TIMEOUT);
            }
            assigned.addAll(partitions);
            ready = true;
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(final Collection<TopicPartition> partitions) {
            router.forget(partitions);
            partitions.forEach(rereadUntil::remove);
            assigned.removeAll(partitions);
        }
    }
}
