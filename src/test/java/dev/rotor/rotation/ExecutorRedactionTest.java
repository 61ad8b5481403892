package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.rotor.avro.Notification;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.Trigger;
import dev.rotor.testing.FakeCredentials;
import dev.rotor.testing.FakeCredentials.Fake;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The executor redacts on its own: a command whose trigger still carries credentials (written before redaction existed,
 * or by another producer of {@code rotation-commands}) gives notifications, results, audit records, Vault requests and
 * log lines without any of them. Only the executor's own copy of its input (the pending commands' changelog) holds what
 * the input held.
 */
class ExecutorRedactionTest {
    @Test
    void aCommandCarryingCredentialsGivesOutputsWithoutThem() {
        final List<Fake> fakes = FakeCredentials.all();
        final Map<String, String> named = FakeCredentials.secretNamedMetadata();
        final Map<String, String> secrets = FakeCredentials.plantedSecrets(fakes, named);
        final Map<String, String> outputs = new LinkedHashMap<>();
        final ListAppender<ILoggingEvent> logs = new ListAppender<>();
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.rotator.answer(r -> r.secretPath().endsWith("-fails")
                    ? ScriptedRotator.failed(
                            "permission denied on secret/data/" + r.secretPath().substring(7))
                    : ScriptedRotator.rotated(1L, 2L));
            int i = 0;
            for (final Fake f : fakes) {
                final Map<String, String> metadata = new LinkedHashMap<>(named);
                metadata.put("note", f.text());
                d.send(command("c" + i, "secret/redact/" + i + (i % 5 == 0 ? "-fails" : ""), f.text(), metadata));
                i++;
            }
            final Map<String, String> issue = new LinkedHashMap<>();
            issue.put("apikey", FakeCredentials.ISSUE_STRIPE_KEY);
            issue.put("passwd", FakeCredentials.ISSUE_PASSWORD);
            d.send(command(
                    "c-issue",
                    "secret/redact/issue",
                    "API key found in a paste: password=" + FakeCredentials.ISSUE_PASSWORD,
                    issue));
            d.runUntilResults(fakes.size() + 1);

            d.resultsSeen.forEach(kv -> outputs.put("result " + kv.key, kv.value.toString()));
            d.alertsSeen.forEach(n -> outputs.put("alert " + n.getMetadata().get("secret_path"), n.toString()));
            d.criticalSeen.forEach(
                    n -> outputs.put("critical " + n.getMetadata().get("secret_path"), n.toString()));
            d.auditSeen.forEach(a -> outputs.put("audit " + a.getAuditId(), a.toString()));
            d.rotator.requests.forEach(r -> outputs.put("vault request " + r.commandId(), r.toString()));
            for (final String topic : d.driver.producedTopicNames()) {
                if (topic.endsWith("-changelog")) {
                    continue; // the executor's copy of its input commands, as sent
                }
                int n = 0;
                for (final TestRecord<byte[], byte[]> r : d.driver
                        .createOutputTopic(
                                topic,
                                Serdes.ByteArray().deserializer(),
                                Serdes.ByteArray().deserializer())
                        .readRecordsToList()) {
                    outputs.put(topic + "[" + n + "] value", utf8(r.value()));
                    for (final Header h : r.headers()) {
                        outputs.put(topic + "[" + n + "] header " + h.key(), utf8(h.value()));
                    }
                    n++;
                }
            }
            final Notification issueAlert = d.alertsSeen.stream()
                    .filter(n -> "secret/redact/issue".equals(n.getMetadata().get("secret_path")))
                    .findFirst()
                    .orElseThrow();
            assertThat(issueAlert.getMessage())
                    .withFailMessage("the issue's example is not redacted as expected")
                    .contains(
                            "Description: API key found in a paste: password=[REDACTED]\n",
                            "  apikey: [REDACTED]\n",
                            "  passwd: [REDACTED]\n");
            assertThat(d.criticalSeen).hasSize((fakes.size() + 4) / 5);
            assertThat(d.alertsSeen).hasSize(fakes.size() + 1 - d.criticalSeen.size());
        } finally {
            root.detachAppender(logs);
        }
        for (final ILoggingEvent e : logs.list) {
            outputs.put(
                    "log " + e.getLoggerName() + " " + e.getTimeStamp(),
                    e.getFormattedMessage()
                            + (e.getThrowableProxy() == null
                                    ? ""
                                    : ThrowableProxyUtil.asString(e.getThrowableProxy())));
        }

        assertThat(FakeCredentials.leaks(secrets, outputs)).isEmpty();
    }

    private static RotationCommand command(
            final String id, final String path, final String description, final Map<String, String> metadata) {
        return RotationCommand.newBuilder(NotificationsTest.command("198.51.100.4", metadata))
                .setCommandId(id)
                .setEventId("evt-" + id)
                .setSecretPath(path)
                .setTrigger(Trigger.newBuilder()
                        .setDescription(description)
                        .setSourceIp("198.51.100.4")
                        .setTimestamp(Instant.parse("2026-11-25T11:59:00Z"))
                        .setMetadata(metadata)
                        .build())
                .build();
    }

    private static String utf8(final byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }
}
