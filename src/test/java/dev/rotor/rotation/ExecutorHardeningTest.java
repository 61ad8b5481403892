package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.Indicator;
import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import dev.rotor.streams.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** What the executor does with commands it cannot run: never silent, never unbounded, never blocking others. */
class ExecutorHardeningTest {
    private static RotationCommand command(final String id, final String path) {
        return RotationCommand.newBuilder(NotificationsTest.command("198.51.100.4", Map.of("user", "svc")))
                .setCommandId(id).setSecretPath(path).build();
    }

    private static String header(final org.apache.kafka.streams.test.TestRecord<byte[], byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aCommandThatCannotBeReadGoesToTheCommandsDlqWithACriticalNotificationAndTheNextOneRuns() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            final byte[] corrupt = "{\"command_id\": 42, \"not\": \"a command\"".getBytes(StandardCharsets.UTF_8);
            d.sendRaw("secret/prod/db".getBytes(StandardCharsets.UTF_8), corrupt);
            d.send(command("c-after", "secret/prod/db"));
            d.runUntilResults(1);

            assertThat(d.deadLetters()).singleElement().satisfies(r -> {
                assertThat(r.value()).isEqualTo(corrupt);
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("secret/prod/db");
                assertThat(header(r, DeadLetters.CODE_HEADER)).isEqualTo("UNREADABLE");
            });
            assertThat(d.criticalSeen).singleElement().satisfies(n -> {
                assertThat(n.getPriority()).isEqualTo("critical");
                assertThat(n.getMessage()).startsWith("🚨 EMERGENCY ROTATION FAILED 🚨")
                        .contains("Secret: secret/prod/db", "unreadable rotation command", "IMMEDIATE ACTION REQUIRED!");
                assertThat(n.getMetadata()).containsEntry("error_code", "UNREADABLE");
            });
            assertThat(d.resultsSeen).extracting(kv -> kv.value.getCommandId()).containsExactly("c-after");
        }
    }

    @Test
    void aSecretsQueueIsBoundedAndACommandBeyondItFailsWithACriticalAlert() {
        try (ExecutorDriver d = new ExecutorDriver(Map.of("rotor.executor.max-queued-per-secret", "3"))) {
            d.rotator.hold();
            for (int i = 0; i < 5; i++) {
                d.send(command("c" + i, "secret/prod/busy"));
            }
            d.runUntilResults(2);
            assertThat(d.resultsSeen).extracting(kv -> kv.value.getCommandId()).containsExactly("c3", "c4");
            assertThat(d.resultsSeen).allSatisfy(kv -> {
                assertThat(kv.value.getStatus()).isEqualTo(ResultStatus.FAILED);
                assertThat(kv.value.getError()).contains("3 commands already wait for this secret");
            });
            assertThat(d.criticalSeen).hasSize(2);

            d.rotator.open();
            d.runUntilResults(5);
            assertThat(d.resultsSeen.subList(2, 5)).extracting(kv -> kv.value.getCommandId())
                    .containsExactly("c0", "c1", "c2");
        }
    }

    /** A queued command gets its whole deadline once a worker starts it, not what is left after waiting. */
    @Test
    void theDeadlineCountsFromWhenAWorkerStartsTheRotation() {
        final Map<String, Instant> calledAt = new ConcurrentHashMap<>();
        try (ExecutorDriver d = new ExecutorDriver(Map.of("rotor.rotation.deadline", "2s"), 1)) {
            d.rotator.answer(r -> {
                calledAt.put(r.commandId(), Instant.now());
                if (r.commandId().equals("first")) {
                    sleep(Duration.ofMillis(2500)); // the only worker is busy longer than the whole deadline
                }
                return ScriptedRotator.rotated(1L, 2L);
            });
            d.send(command("first", "secret/prod/a"));
            d.send(command("second", "secret/prod/b"));
            d.runUntilResults(2);

            final var second = d.rotator.requests.stream().filter(r -> r.commandId().equals("second")).findFirst()
                    .orElseThrow();
            assertThat(Duration.between(calledAt.get("second"), second.deadline()))
                    .isGreaterThan(Duration.ofMillis(1500));
        }
    }

    /** custom_metadata and audit reasons carry the rule and the indicator, never text the sender chose. */
    @Test
    void theRotationReasonIsBuiltFromClosedSetsNotFromTheSendersEventType() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.send(RotationCommand.newBuilder(command("c1", "secret/prod/db"))
                    .setEventType("x".repeat(64)).setIndicator(Indicator.other).setRule("critical-threat").build());
            d.runUntilResults(1);

            assertThat(d.rotator.requests).singleElement()
                    .satisfies(r -> assertThat(r.reason()).isEqualTo("critical-threat: other"));
        }
    }

    private static void sleep(final Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
