package dev.rotor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotor.avro.Notification;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.Setting;
import dev.rotor.ops.RotorMetrics;
import dev.rotor.serde.AvroJson;
import dev.rotor.testing.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Notification delivery on a real broker: its own consumer group reads the notification topics and delivers to a
 * Slack-shaped webhook and a PagerDuty-shaped endpoint served by the test on 127.0.0.1.
 */
class NotificationDeliveryIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ROUTING_KEY = "0123456789abcdef0123456789abcdef";

    private static RotorConfig config;
    private static KafkaProducer<byte[], byte[]> producer;
    private final Receiver receiver = new Receiver();
    private final RotorMetrics metrics = RotorMetrics.forTests();

    @BeforeAll
    static void topics() {
        config = ConfigLoader.defaults(Map.of(
                "rotor.output.format",
                "json",
                "kafka.schema.registry.url",
                "",
                "kafka.bootstrap.servers",
                KAFKA.bootstrapServers()));
        KAFKA.createTopics(3, config.topics().securityAlerts(), config.topics().securityCritical());
        producer = new KafkaProducer<>(KAFKA.producerProps());
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @AfterEach
    void closeReceiver() {
        receiver.close();
        metrics.close();
    }

    private NotificationDelivery start(final String group) {
        final RotorConfig c = config.with(Map.of(
                Setting.NOTIFY_CRITICAL_SINKS, "slack,pagerduty",
                Setting.NOTIFY_PAGERDUTY_URL, receiver.uri("/v2/enqueue").toString(),
                Setting.NOTIFY_TIMEOUT, "2s",
                Setting.NOTIFY_BACKOFF, "50ms",
                Setting.NOTIFY_GROUP_ID, group));
        final NotifySettings settings = NotifySettings.from(
                c,
                Map.of(
                        "ROTOR_NOTIFY_SECURITY_CRITICAL_SLACK_WEBHOOK_URL",
                        receiver.uri("/hook").toString(),
                        "ROTOR_NOTIFY_SECURITY_CRITICAL_PAGERDUTY_ROUTING_KEY",
                        ROUTING_KEY));
        final NotificationDelivery d =
                NotificationDelivery.start(c, settings, metrics::notification).orElseThrow();
        await().atMost(WAIT).until(d::ready);
        return d;
    }

    private static void publish(final String topic, final Notification n) throws Exception {
        producer.send(new ProducerRecord<>(
                        topic,
                        n.getMetadata().get("secret_path").getBytes(StandardCharsets.UTF_8),
                        AvroJson.toBytes(n)))
                .get();
    }

    private long slackPostsAbout(final String path) {
        return receiver.requests("/hook").stream()
                .filter(r -> r.body().path("text").asText().contains("Secret: " + path + "\n"))
                .count();
    }

    private List<String> pagerDuty() {
        return receiver.requests("/v2/enqueue").stream()
                .map(r -> r.body().path("event_action").asText() + " "
                        + r.body().path("dedup_key").asText())
                .toList();
    }

    private double counted(final String sink, final String outcome) {
        final io.micrometer.core.instrument.Counter c = metrics.registry()
                .find(RotorMetrics.NOTIFICATIONS)
                .tags("sink", sink, "outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aCriticalNotificationReachesTheReceiverOnceEvenWhenTheSinkRestarts() throws Exception {
        final String critical = config.topics().securityCritical();
        final Instant t0 = Instant.now();
        try (NotificationDelivery first = start("notify-restart")) {
            publish(critical, Alerts.failure("cmd-restart-1", "secret/prod/a", t0));
            await().atMost(WAIT)
                    .until(() ->
                            slackPostsAbout("secret/prod/a") == 1 && pagerDuty().contains("trigger cmd-restart-1"));
        }

        // the same notification again (a redelivery), then another one, to a new instance of the same group
        publish(critical, Alerts.failure("cmd-restart-1", "secret/prod/a", t0));
        publish(critical, Alerts.failure("cmd-restart-2", "secret/prod/b", t0.plusSeconds(1)));
        try (NotificationDelivery second = start("notify-restart")) {
            await().atMost(WAIT)
                    .until(() ->
                            slackPostsAbout("secret/prod/b") == 1 && pagerDuty().contains("trigger cmd-restart-2"));
            await().atMost(WAIT).until(() -> counted("slack", DeliveryMetrics.DUPLICATE) == 1);

            assertThat(slackPostsAbout("secret/prod/a")).isEqualTo(1);
            assertThat(pagerDuty())
                    .filteredOn(a -> a.equals("trigger cmd-restart-1"))
                    .hasSize(1);
            assertThat(counted("pagerduty", DeliveryMetrics.DUPLICATE)).isEqualTo(1);

            // the incident opened before the restart is still known: a later rotation of the secret resolves it
            publish(
                    config.topics().securityAlerts(),
                    Alerts.success("cmd-restart-3", "secret/prod/a", t0.plusSeconds(5)));
            await().atMost(WAIT).until(() -> pagerDuty().contains("resolve cmd-restart-1"));
        }
        assertThat(pagerDuty()).doesNotContain("resolve cmd-restart-2");
        assertThat(receiver.requests("/v2/enqueue"))
                .allSatisfy(
                        r -> assertThat(r.body().path("routing_key").asText()).isEqualTo(ROUTING_KEY));
        assertThat(counted("slack", DeliveryMetrics.DELIVERED)).isEqualTo(2); // cmd-restart-1 and -2, once each
    }

    @Test
    void aNotificationOfAnAbortedTransactionIsNeverDelivered() throws Exception {
        final String critical = config.topics().securityCritical();
        try (NotificationDelivery d = start("notify-aborted");
                KafkaProducer<byte[], byte[]> tx = transactional()) {
            tx.initTransactions();
            tx.beginTransaction();
            final Notification aborted = Alerts.failure("cmd-aborted", "secret/prod/c", Instant.now());
            tx.send(new ProducerRecord<>(
                            critical, "secret/prod/c".getBytes(StandardCharsets.UTF_8), AvroJson.toBytes(aborted)))
                    .get();
            tx.abortTransaction();
            tx.beginTransaction();
            final Notification committed = Alerts.failure("cmd-committed", "secret/prod/c", Instant.now());
            tx.send(new ProducerRecord<>(
                            critical, "secret/prod/c".getBytes(StandardCharsets.UTF_8), AvroJson.toBytes(committed)))
                    .get();
            tx.commitTransaction();

            await().atMost(WAIT).until(() -> pagerDuty().contains("trigger cmd-committed"));
            assertThat(pagerDuty()).doesNotContain("trigger cmd-aborted");
            assertThat(slackPostsAbout("secret/prod/c")).isEqualTo(1);
        }
    }

    @Test
    void aNewGroupStartsAtTheEndAndNeverPagesForHistory() throws Exception {
        final String critical = config.topics().securityCritical();
        publish(critical, Alerts.failure("cmd-history", "secret/prod/d", Instant.now()));
        try (NotificationDelivery d = start("notify-fresh")) {
            publish(critical, Alerts.failure("cmd-new", "secret/prod/d", Instant.now()));

            await().atMost(WAIT).until(() -> pagerDuty().contains("trigger cmd-new"));
            assertThat(pagerDuty()).doesNotContain("trigger cmd-history");
        }
    }

    private static KafkaProducer<byte[], byte[]> transactional() {
        final Map<String, Object> props = new HashMap<>(KAFKA.producerProps());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "notify-it-" + System.nanoTime());
        return new KafkaProducer<>(props);
    }
}
