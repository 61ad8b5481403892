package dev.rotor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.config.ConfigException;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SecretValue;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class NotifySettingsTest {
    private static final String HOOK = "https://hooks.slack.com/services/T0/B0/s3cr3tw3bh00k";
    private static final String KEY = "0123456789abcdef0123456789abcdef";

    private static RotorConfig config(final Map<String, String> settings) {
        return ConfigLoader.defaults(settings);
    }

    @Test
    void noSinkIsConfiguredByDefault() {
        final NotifySettings s = NotifySettings.from(config(Map.of()), Map.of());

        assertThat(s.enabled()).isFalse();
        assertThat(s.sinksOf(Channel.CRITICAL)).isEmpty();
        assertThat(s.pagerDuty()).isFalse();
    }

    @Test
    void sinksArePerChannelAndTheirCredentialsComeFromTheEnvironment() {
        final NotifySettings s = NotifySettings.from(
                config(Map.of(
                        "rotor.notify.security-critical.sinks", "slack, PagerDuty",
                        "rotor.notify.security-alerts.sinks", "slack")),
                Map.of(
                        "ROTOR_NOTIFY_SECURITY_CRITICAL_SLACK_WEBHOOK_URL", HOOK,
                        "ROTOR_NOTIFY_SECURITY_ALERTS_SLACK_WEBHOOK_URL", HOOK + "2",
                        "ROTOR_NOTIFY_SECURITY_CRITICAL_PAGERDUTY_ROUTING_KEY", KEY));

        assertThat(s.sinksOf(Channel.CRITICAL)).containsExactlyInAnyOrder(SinkKind.SLACK, SinkKind.PAGERDUTY);
        assertThat(s.sinksOf(Channel.ALERTS)).containsExactly(SinkKind.SLACK);
        assertThat(s.slackWebhooks().get(Channel.ALERTS).reveal()).isEqualTo(HOOK + "2");
        assertThat(s.pagerDutyRoutingKey()).map(SecretValue::reveal).contains(KEY);
        assertThat(s.pagerDutyUrl()).hasToString("https://events.pagerduty.com/v2/enqueue");
        assertThat(s.toString()).doesNotContain("s3cr3t", KEY);
    }

    @Test
    void aSinkWithoutItsCredentialNamesTheVariableAndNoValue() {
        assertThatThrownBy(() -> NotifySettings.from(
                        config(Map.of("rotor.notify.security-critical.sinks", "pagerduty")), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "ROTOR_NOTIFY_SECURITY_CRITICAL_PAGERDUTY_ROUTING_KEY: required in the environment");
    }

    @Test
    void aWebhookInClearTextIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> NotifySettings.from(
                        config(Map.of("rotor.notify.security-alerts.sinks", "slack")),
                        Map.of("ROTOR_NOTIFY_SECURITY_ALERTS_SLACK_WEBHOOK_URL", "http://hooks.example.com/s3cr3t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ROTOR_NOTIFY_SECURITY_ALERTS_SLACK_WEBHOOK_URL: must be https://")
                .message()
                .doesNotContain("s3cr3t");
        assertThat(NotifySettings.from(
                                config(Map.of("rotor.notify.security-alerts.sinks", "slack")),
                                Map.of("ROTOR_NOTIFY_SECURITY_ALERTS_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/hook"))
                        .enabled())
                .isTrue();
    }

    @Test
    void pagerDutyIsRefusedOnTheSuccessChannelAndUnknownSinksAreNamed() {
        assertThatThrownBy(() -> NotifySettings.from(
                        config(Map.of("rotor.notify.security-alerts.sinks", "pagerduty")), Map.of()))
                .hasMessageStartingWith("rotor.notify.security-alerts.sinks: pagerduty belongs on security-critical");
        assertThatThrownBy(() ->
                        NotifySettings.from(config(Map.of("rotor.notify.security-critical.sinks", "email")), Map.of()))
                .hasMessageStartingWith("rotor.notify.security-critical.sinks: unknown sink 'email'");
    }

    @Test
    void theCredentialsAreNotSettingsAndTheEnvironmentDoesNotWarnAboutThem() {
        // read by NotifySettings, ignored (without a warning) by the loader: never a Kafka property
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        final ch.qos.logback.classic.Logger loader =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ConfigLoader.class);
        loader.addAppender(logs);
        final RotorConfig c;
        try {
            c = ConfigLoader.load(
                    Optional.empty(),
                    Map.of(
                            "ROTOR_NOTIFY_SECURITY_CRITICAL_PAGERDUTY_ROUTING_KEY", KEY,
                            "ROTOR_NOTIFY_SECURITY_ALERTS_SLACK_WEBHOOK_URL", HOOK,
                            "ROTOR_NOTIFY_SECURITY_CRITICAL_SLACK_WEBHOOK_URL", HOOK),
                    Map.of());
        } finally {
            loader.detachAppender(logs);
        }
        assertThat(logs.list).isEmpty();
        assertThat(c.kafka().values()).doesNotContain(KEY, HOOK);
        assertThatThrownBy(() ->
                        ConfigLoader.defaults(Map.of("rotor.notify.security-critical.pagerduty.routing-key", KEY)))
                .isInstanceOf(ConfigException.class)
                .message()
                .doesNotContain(KEY);
    }
}
