package dev.rotor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.config.SecretValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each notification means for the sinks: once per dedup key, and PagerDuty incidents resolved by secret. */
class AlertRouterTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    private static final TopicPartition CRITICAL_0 = new TopicPartition("security-critical", 0);
    private static final TopicPartition ALERTS_0 = new TopicPartition("security-alerts", 0);

    private final Receiver slackReceiver = new Receiver();
    private final Receiver pagerDutyReceiver = new Receiver().answering(202);
    private final Alerts.Counted metrics = new Alerts.Counted();
    private final HttpDelivery http =
            new HttpDelivery(Duration.ofSeconds(2), 2, Duration.ofMillis(10), new Stop(), metrics);
    private final PagerDutySink pagerDuty =
            new PagerDutySink(SecretValue.of("k"), pagerDutyReceiver.uri("/v2/enqueue"), "rotor", http);
    private final SlackSink slack = new SlackSink(
            Channel.CRITICAL, SecretValue.of(slackReceiver.uri("/hook").toString()), http);
    private final AlertRouter router = new AlertRouter(
            Map.of(Channel.CRITICAL, List.of(slack, pagerDuty), Channel.ALERTS, List.of()), pagerDuty, 100, metrics);

    @AfterEach
    void close() {
        slackReceiver.close();
        pagerDutyReceiver.close();
    }

    private List<String> pagerDutyActions() {
        return pagerDutyReceiver.requests().stream()
                .map(r -> r.body().path("event_action").asText() + " "
                        + r.body().path("dedup_key").asText())
                .toList();
    }

    @Test
    void aRedeliveredNotificationIsSentOnce() {
        assertThat(router.handle(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0)))
                .isTrue();
        assertThat(router.handle(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0)))
                .isTrue();

        assertThat(slackReceiver.requests()).hasSize(1);
        assertThat(pagerDutyActions()).containsExactly("trigger cmd-1");
        assertThat(metrics.count("slack", DeliveryMetrics.DUPLICATE)).isEqualTo(1);
        assertThat(metrics.count("pagerduty", DeliveryMetrics.DUPLICATE)).isEqualTo(1);
    }

    @Test
    void anotherCommandOfTheSameSecretIsANewNotification() {
        router.handle(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0));
        router.handle(CRITICAL_0, Alerts.critical("cmd-2", "secret/a", T0.plusSeconds(60)));

        assertThat(slackReceiver.requests()).hasSize(2);
        assertThat(pagerDutyActions()).containsExactly("trigger cmd-1", "trigger cmd-2");
    }

    @Test
    void aLaterSuccessOfTheSameSecretResolvesEveryOpenIncidentOfIt() {
        router.handle(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0));
        router.handle(CRITICAL_0, Alerts.critical("cmd-2", "secret/a", T0.plusSeconds(10)));
        router.handle(CRITICAL_0, Alerts.critical("cmd-3", "secret/b", T0.plusSeconds(20)));

        router.handle(ALERTS_0, Alerts.rotated("cmd-4", "secret/a", T0.plusSeconds(30)));

        assertThat(pagerDutyActions())
                .containsExactly("trigger cmd-1", "trigger cmd-2", "trigger cmd-3", "resolve cmd-1", "resolve cmd-2");
        assertThat(router.openKeys("secret/a")).isEmpty();
        assertThat(router.openKeys("secret/b")).containsExactly("cmd-3");
        assertThat(slackReceiver.requests()).hasSize(3); // successes have no sink here
    }

    @Test
    void aFailureReadAfterALaterSuccessIsTriggeredAndResolvedAtOnce() {
        router.handle(ALERTS_0, Alerts.rotated("cmd-2", "secret/a", T0.plusSeconds(30)));
        router.handle(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0));

        assertThat(pagerDutyActions()).containsExactly("trigger cmd-1", "resolve cmd-1");
        assertThat(router.openKeys("secret/a")).isEmpty();
    }

    @Test
    void aFailureAfterTheLastSuccessStaysOpen() {
        router.handle(ALERTS_0, Alerts.rotated("cmd-1", "secret/a", T0));
        router.handle(CRITICAL_0, Alerts.critical("cmd-2", "secret/a", T0.plusSeconds(30)));

        assertThat(pagerDutyActions()).containsExactly("trigger cmd-2");
        assertThat(router.openKeys("secret/a")).containsExactly("cmd-2");
    }

    @Test
    void notificationsReadAgainAtStartAreNotSentButStillDedupAndResolve() {
        router.remember(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0));

        router.handle(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0));
        router.handle(ALERTS_0, Alerts.rotated("cmd-2", "secret/a", T0.plusSeconds(5)));

        assertThat(slackReceiver.requests()).isEmpty();
        assertThat(pagerDutyActions()).containsExactly("resolve cmd-1");
    }

    @Test
    void aSuccessReadAgainAtStartClosesWhatItResolvedBefore() {
        router.remember(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0));
        router.remember(ALERTS_0, Alerts.rotated("cmd-2", "secret/a", T0.plusSeconds(5)));

        router.handle(ALERTS_0, Alerts.rotated("cmd-3", "secret/a", T0.plusSeconds(50)));

        assertThat(pagerDutyActions()).isEmpty();
    }

    @Test
    void theDedupRecordIsBoundedPerPartition() {
        final AlertRouter small = new AlertRouter(Map.of(Channel.CRITICAL, List.of(slack)), null, 2, metrics);
        small.handle(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0));
        small.handle(CRITICAL_0, Alerts.critical("cmd-2", "secret/a", T0));
        small.handle(CRITICAL_0, Alerts.critical("cmd-3", "secret/a", T0));

        small.handle(CRITICAL_0, Alerts.critical("cmd-3", "secret/a", T0)); // remembered
        small.handle(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0)); // beyond the window: sent again

        assertThat(slackReceiver.requests()).hasSize(4);
    }

    @Test
    void aSinkThatGivesUpDoesNotStopTheOthers() {
        slackReceiver.answering(404);

        router.handle(CRITICAL_0, Alerts.critical("cmd-1", "secret/a", T0));

        assertThat(metrics.count("slack", DeliveryMetrics.FAILED)).isEqualTo(1);
        assertThat(pagerDutyActions()).containsExactly("trigger cmd-1");
    }
}
