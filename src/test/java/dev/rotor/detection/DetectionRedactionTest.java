package dev.rotor.detection;

import static dev.rotor.detection.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationCommand;
import dev.rotor.streams.DeadLetters;
import dev.rotor.testing.FakeCredentials;
import dev.rotor.testing.FakeCredentials.Fake;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Redaction through the whole detection topology: events carrying fake credentials of every kind in their description,
 * metadata, source address and id, and naming a refused path that holds one, are decided as usual; then every record on
 * every topic detection wrote to (commands, audit, the DLQ's headers, the {@code events-by-secret-path} repartition)
 * and every log line is searched for every fake. The DLQ's value alone keeps the original bytes (DESIGN.md §9).
 */
class DetectionRedactionTest {
    private static final Instant T = DetectionDriver.NOW.minusSeconds(60);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void captureLogs() {
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        root.detachAppender(logs);
    }

    @Test
    void noFakeCredentialReachesAnyTopicHeaderOrLogLine() {
        final List<Fake> fakes = FakeCredentials.all();
        final Map<String, String> named = FakeCredentials.secretNamedMetadata();
        final Map<String, String> secrets = FakeCredentials.plantedSecrets(fakes, named);
        final Fake github = fakes.stream()
                .filter(f -> f.name().equals("github-token-ghp"))
                .findFirst()
                .orElseThrow();
        final Fake password = fakes.stream()
                .filter(f -> f.name().equals("password-pair"))
                .findFirst()
                .orElseThrow();
        final byte[] refused;
        final Map<String, String> outputs = new LinkedHashMap<>();
        try (DetectionDriver d = new DetectionDriver()) {
            // given: every fake in a description that rotates, and again in a counted event (repartition, audit only)
            int i = 0;
            for (final Fake f : fakes) {
                d.send(event("leaked_credential", "critical")
                        .id("redact-" + i)
                        .at(T)
                        .set("description", f.text())
                        .paths("secret/redact/rotated-" + i)
                        .meta("note", f.text())
                        .meta("reporter", "scanner"));
                d.send(event("failed_auth_spike", "low")
                        .id("redact-counted-" + i)
                        .at(T)
                        .set("description", f.text())
                        .paths("secret/redact/counted-" + i)
                        .meta("failed_count", 1));
                i++;
            }
            // secret-named metadata keys, a credential as the source address and inside the event id
            final String sourceIpToken = github.secrets().get(0).substring(4, 30);
            secrets.put("token in source_ip", sourceIpToken);
            final Events keys = event("api_key_exposed", "high")
                    .id("redact-keys")
                    .at(T)
                    .paths("secret/redact/keys")
                    .set("source_ip", "token=" + sourceIpToken);
            named.forEach(keys::meta);
            d.send(keys);
            d.send(event("leaked_credential", "critical")
                    .id("evt-" + github.secrets().get(0))
                    .at(T)
                    .paths("secret/redact/id"));
            // the issue's example
            d.send(event("leaked_credential", "critical")
                    .id("redact-issue")
                    .at(T)
                    .set("description", "API key found in a paste: password=" + FakeCredentials.ISSUE_PASSWORD)
                    .paths("secret/redact/issue")
                    .meta("apikey", FakeCredentials.ISSUE_STRIPE_KEY)
                    .meta("passwd", FakeCredentials.ISSUE_PASSWORD));
            // a refused path that quotes a credential: dead-lettered, its reason and audit must not repeat it
            final Events refusedEvent = event("leaked_credential", "critical")
                    .id("redact-refused")
                    .at(T)
                    .paths("sys/"
                            + password.text()
                                    .substring(password.text().indexOf("password="))
                                    .split(" ", -1)[0]);
            refused = refusedEvent.bytes();
            d.send(refusedEvent);
            // harmless text that must arrive as sent
            d.send(event("leaked_credential", "critical")
                    .id("siem-7f3a1c")
                    .at(T)
                    .set("description", "password reset requested for svc-payments from 203.0.113.7")
                    .set("source_ip", "203.0.113.7")
                    .paths("secret/prod/payments/db")
                    .meta("secret_type", "github_personal_access_token")
                    .meta("repository", "acme/api"));

            // when every topic detection wrote to is read back, raw
            final List<TestRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
            for (final String topic : d.driver.producedTopicNames()) {
                final List<TestRecord<byte[], byte[]>> records = d.driver
                        .createOutputTopic(
                                topic,
                                Serdes.ByteArray().deserializer(),
                                Serdes.ByteArray().deserializer())
                        .readRecordsToList();
                int n = 0;
                for (final TestRecord<byte[], byte[]> r : records) {
                    final String at = topic + "[" + n++ + "]";
                    outputs.put(at + " key", utf8(r.key()));
                    if (topic.equals(d.config.topics().securityEventsDlq())) {
                        deadLetters.add(r); // the value is the original bytes, on purpose
                    } else {
                        outputs.put(at + " value", utf8(r.value()));
                    }
                    for (final Header h : r.headers()) {
                        outputs.put(at + " header " + h.key(), utf8(h.value()));
                    }
                }
            }
            final List<String> topics = List.copyOf(d.driver.producedTopicNames());
            assertThat(topics)
                    .as("topics written")
                    .contains(
                            d.config.topics().rotationCommands(),
                            d.config.topics().rotationAudit(),
                            d.config.topics().securityEventsDlq());
            assertThat(topics)
                    .as("the repartition topic is searched too")
                    .anyMatch(t -> t.contains("events-by-secret-path"));
            assertThat(deadLetters).singleElement().satisfies(r -> {
                assertThat(r.value()).as("the DLQ keeps the original bytes").isEqualTo(refused);
                assertThat(DetectionDriver.header(r, DeadLetters.CODE_HEADER)).isEqualTo("REFUSED_PATH");
                assertThat(DetectionDriver.header(r, DeadLetters.REASON_HEADER))
                        .withFailMessage("the DLQ reason does not show the refused path redacted")
                        .contains("sys/password=[REDACTED]");
            });
        }
        for (final ILoggingEvent e : logs.list) {
            outputs.put(
                    "log " + e.getLoggerName() + " " + e.getTimeStamp(),
                    e.getFormattedMessage()
                            + (e.getThrowableProxy() == null
                                    ? ""
                                    : ThrowableProxyUtil.asString(e.getThrowableProxy())));
        }

        // then
        assertThat(outputs).hasSizeGreaterThan(200);
        assertThat(FakeCredentials.leaks(secrets, outputs)).isEmpty();
    }

    @Test
    void commandsShowWhatWasHiddenAndKeepHarmlessTextAsSent() {
        try (DetectionDriver d = new DetectionDriver()) {
            d.send(event("leaked_credential", "critical")
                    .id("redact-issue")
                    .at(T)
                    .set("description", "API key found in a paste: password=" + FakeCredentials.ISSUE_PASSWORD)
                    .paths("secret/redact/issue")
                    .meta("repository", "acme/payments")
                    .meta("apikey", FakeCredentials.ISSUE_STRIPE_KEY)
                    .meta("passwd", FakeCredentials.ISSUE_PASSWORD));
            d.send(event("leaked_credential", "critical")
                    .id("siem-7f3a1c")
                    .at(T)
                    .set("description", "password reset requested for svc-payments from 203.0.113.7")
                    .set("source_ip", "203.0.113.7")
                    .paths("secret/prod/payments/db")
                    .meta("secret_type", "github_personal_access_token")
                    .meta("token_count", "3"));

            final Map<String, RotationCommand> commands = new LinkedHashMap<>();
            d.commands().forEach(kv -> commands.put(kv.key, kv.value));

            // failure messages name the field, never print it: it may hold the credential
            final var issue = commands.get("secret/redact/issue").getTrigger();
            assertThat(issue.getDescription())
                    .withFailMessage("description not redacted as expected")
                    .isEqualTo("API key found in a paste: password=[REDACTED]");
            assertThat(issue.getMetadata())
                    .withFailMessage("metadata not redacted as expected")
                    .containsOnly(
                            Map.entry("repository", "acme/payments"),
                            Map.entry("apikey", "[REDACTED]"),
                            Map.entry("passwd", "[REDACTED]"));
            assertThat(commands.get("secret/prod/payments/db")).satisfies(c -> {
                assertThat(c.getEventId()).isEqualTo("siem-7f3a1c");
                assertThat(c.getTrigger().getDescription())
                        .isEqualTo("password reset requested for svc-payments from 203.0.113.7");
                assertThat(c.getTrigger().getSourceIp()).isEqualTo("203.0.113.7");
                assertThat(c.getTrigger().getMetadata())
                        .containsOnly(
                                Map.entry("secret_type", "github_personal_access_token"),
                                Map.entry("token_count", "3"));
            });
            assertThat(d.audits(AuditDecision.ROTATE))
                    .extracting(AuditRecord::getEventId)
                    .containsExactly("redact-issue", "siem-7f3a1c");
        }
    }

    @Test
    void anEventIdHoldingACredentialIsReplacedByAStableDerivedId() {
        final Fake github = FakeCredentials.all().stream()
                .filter(f -> f.name().equals("github-token-ghp"))
                .findFirst()
                .orElseThrow();
        final Events leak =
                event("manual_trigger", "low").id("evt " + github.text()).at(T).paths("secret/redact/id");
        // without the manual-trigger limit, so that the resent event reaches a command whose id can be compared
        try (DetectionDriver d = new DetectionDriver(Map.of("rotor.manual-trigger.interval", "0s"))) {
            d.send(leak);
            d.send(leak); // resent: the same derived id, so the same command id (manual triggers skip the cooldown)
            d.send(event("manual_trigger", "low")
                    .id("evt " + github.text() + " again")
                    .at(T)
                    .paths("secret/redact/id"));

            final List<RotationCommand> commands =
                    d.commands().stream().map(kv -> kv.value).toList();

            // failure messages name the check, never print the ids: they may hold the credential
            assertThat(commands).hasSize(3);
            assertThat(commands.stream().allMatch(c -> c.getEventId().startsWith("derived-")))
                    .withFailMessage("an event id holding a credential was kept")
                    .isTrue();
            assertThat(commands.get(0).getCommandId().equals(commands.get(1).getCommandId()))
                    .withFailMessage("a resent event got another command id")
                    .isTrue();
            assertThat(commands.get(2).getEventId().equals(commands.get(0).getEventId()))
                    .withFailMessage("two events with different ids got the same derived id")
                    .isFalse();
        }
    }

    private static String utf8(final byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }
}
