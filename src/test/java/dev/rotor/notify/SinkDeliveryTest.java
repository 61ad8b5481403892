package dev.rotor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.avro.Notification;
import dev.rotor.config.SecretValue;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The Slack and PagerDuty sinks against a local receiver: payload shapes, retries, timeout, bounded attempts. */
class SinkDeliveryTest {
    private static final String WEBHOOK_PATH = "/services/T000/B000/XXXXwebhooktokenXXXX";
    private static final String ROUTING_KEY = "R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12";
    private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

    private final Receiver receiver = new Receiver();
    private final Alerts.Counted metrics = new Alerts.Counted();
    private final Stop stop = new Stop();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void close() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        receiver.close();
    }

    private HttpDelivery http(final Duration timeout, final int attempts) {
        return new HttpDelivery(timeout, attempts, Duration.ofMillis(20), stop, metrics);
    }

    private SlackSink slack(final HttpDelivery http) {
        return new SlackSink(
                Channel.CRITICAL, SecretValue.of(receiver.uri(WEBHOOK_PATH).toString()), http);
    }

    private PagerDutySink pagerDuty(final HttpDelivery http) {
        return new PagerDutySink(SecretValue.of(ROUTING_KEY), receiver.uri("/v2/enqueue"), "rotor-test", http);
    }

    @Test
    void slackReceivesTheNotificationTextAsJsonWithSlacksControlCharactersEscaped() {
        final Alert alert = Alert.of(
                Channel.CRITICAL,
                null,
                Notification.newBuilder(Alerts.failure("cmd-1", "secret/prod/db", AT))
                        .setMessage("Error: <!channel> & <https://evil|x>")
                        .build());

        final HttpDelivery.Result r = slack(http(Duration.ofSeconds(2), 3)).deliver(alert);

        assertThat(r.outcome()).isEqualTo(HttpDelivery.Outcome.DELIVERED);
        assertThat(receiver.requests()).singleElement().satisfies(req -> {
            assertThat(req.path()).isEqualTo(WEBHOOK_PATH);
            assertThat(req.contentType()).isEqualTo("application/json");
            assertThat(req.body().size()).isEqualTo(1);
            assertThat(req.body().path("text").asText())
                    .isEqualTo("Error: &lt;!channel&gt; &amp; &lt;https://evil|x&gt;");
        });
        assertThat(metrics.count("slack", DeliveryMetrics.DELIVERED)).isEqualTo(1);
    }

    @Test
    void aServerErrorIsRetriedWithBackoffUntilDelivered() {
        receiver.then(Receiver.Reply.status(503), Receiver.Reply.status(500));

        final HttpDelivery.Result r =
                slack(http(Duration.ofSeconds(2), 5)).deliver(Alerts.critical("cmd-2", "secret/prod/db", AT));

        assertThat(r.outcome()).isEqualTo(HttpDelivery.Outcome.DELIVERED);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(receiver.requests()).hasSize(3);
        assertThat(metrics.count("slack", DeliveryMetrics.RETRIED)).isEqualTo(2);
        assertThat(metrics.count("slack", DeliveryMetrics.DELIVERED)).isEqualTo(1);
    }

    @Test
    void aRefusalIsNotRetried() {
        receiver.then(Receiver.Reply.status(404));

        final HttpDelivery.Result r =
                slack(http(Duration.ofSeconds(2), 5)).deliver(Alerts.critical("cmd-3", "secret/prod/db", AT));

        assertThat(r.outcome()).isEqualTo(HttpDelivery.Outcome.FAILED);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.problem()).isEqualTo("answered 404");
        assertThat(receiver.requests()).hasSize(1);
        assertThat(metrics.count("slack", DeliveryMetrics.FAILED)).isEqualTo(1);
        assertThat(metrics.count("slack", DeliveryMetrics.RETRIED)).isZero();
    }

    @Test
    void aReceiverSlowerThanTheTimeoutIsRetriedAndTheAttemptsAreBounded() {
        receiver.then(
                Receiver.Reply.slow(Duration.ofSeconds(3)),
                Receiver.Reply.slow(Duration.ofSeconds(3)),
                Receiver.Reply.slow(Duration.ofSeconds(3)));
        final long t0 = System.nanoTime();

        final HttpDelivery.Result r =
                slack(http(Duration.ofMillis(300), 3)).deliver(Alerts.critical("cmd-4", "secret/prod/db", AT));

        final Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.outcome()).isEqualTo(HttpDelivery.Outcome.FAILED);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(r.problem()).isEqualTo("no answer within 300 ms");
        assertThat(took)
                .isLessThan(Duration.ofSeconds(3)); // three timeouts and two short pauses, not the receiver's 9 s
        assertThat(receiver.requests()).hasSize(3);
        assertThat(metrics.count("slack", DeliveryMetrics.RETRIED)).isEqualTo(2);
        assertThat(metrics.count("slack", DeliveryMetrics.FAILED)).isEqualTo(1);
    }

    @Test
    void tooManyRequestsHonoursRetryAfter() {
        receiver.then(new Receiver.Reply(429, "1", Duration.ZERO));
        final long t0 = System.nanoTime();

        final HttpDelivery.Result r =
                slack(http(Duration.ofSeconds(2), 3)).deliver(Alerts.critical("cmd-5", "secret/prod/db", AT));

        assertThat(r.outcome()).isEqualTo(HttpDelivery.Outcome.DELIVERED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void aStopEndsTheRetriesAtOnceAsAborted() throws Exception {
        receiver.answering(503);
        final HttpDelivery slow = new HttpDelivery(Duration.ofSeconds(2), 10, Duration.ofSeconds(20), stop, metrics);
        final CompletableFuture<HttpDelivery.Result> r = CompletableFuture.supplyAsync(
                () -> slack(slow).deliver(Alerts.critical("cmd-6", "secret/prod/db", AT)));
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> receiver.requests().size() == 1);

        stop.raise();

        assertThat(r.get(2, TimeUnit.SECONDS).outcome()).isEqualTo(HttpDelivery.Outcome.ABORTED);
        assertThat(metrics.count("slack", DeliveryMetrics.FAILED)).isZero();
    }

    @Test
    void pagerDutyTriggerCarriesTheRoutingKeyTheCommandAsDedupKeyAndAPayload() {
        receiver.answering(202);

        final HttpDelivery.Result r =
                pagerDuty(http(Duration.ofSeconds(2), 3)).deliver(Alerts.critical("cmd-7", "secret/prod/db", AT));

        assertThat(r.outcome()).isEqualTo(HttpDelivery.Outcome.DELIVERED);
        final JsonNode event = receiver.requests("/v2/enqueue").get(0).body();
        assertThat(event.path("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(event.path("event_action").asText()).isEqualTo("trigger");
        assertThat(event.path("dedup_key").asText()).isEqualTo("cmd-7");
        final JsonNode payload = event.path("payload");
        assertThat(payload.path("summary").asText()).isEqualTo("EMERGENCY ROTATION FAILED: secret/prod/db");
        assertThat(payload.path("source").asText()).isEqualTo("rotor-test");
        assertThat(payload.path("severity").asText()).isEqualTo("critical");
        assertThat(payload.path("timestamp").asText()).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(payload.path("component").asText()).isEqualTo("secret/prod/db");
        assertThat(payload.path("custom_details").path("command_id").asText()).isEqualTo("cmd-7");
        assertThat(payload.path("custom_details").path("message").asText()).contains("Error: permission denied");
        assertThat(metrics.count("pagerduty", DeliveryMetrics.DELIVERED)).isEqualTo(1);
    }

    @Test
    void pagerDutyResolveNamesOnlyTheKey() {
        receiver.answering(202);

        pagerDuty(http(Duration.ofSeconds(2), 3)).resolve("cmd-8");

        final JsonNode event = receiver.requests().get(0).body();
        assertThat(event.path("event_action").asText()).isEqualTo("resolve");
        assertThat(event.path("dedup_key").asText()).isEqualTo("cmd-8");
        assertThat(event.path("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(event.has("payload")).isFalse();
    }

    @Test
    void noLogLineNamesTheWebhookUrlOrTheRoutingKey() {
        receiver.answering(500);
        slack(http(Duration.ofSeconds(2), 2)).deliver(Alerts.critical("cmd-9", "secret/prod/db", AT));
        pagerDuty(http(Duration.ofSeconds(2), 2)).deliver(Alerts.critical("cmd-9", "secret/prod/db", AT));

        assertThat(logs.list)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getFormattedMessage())
                        .doesNotContain(
                                "webhooktoken",
                                ROUTING_KEY,
                                String.valueOf(receiver.uri("/").getPort())));
    }
}
