package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.Indicator;
import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** What the executor does with commands it cannot run: never silent, never unbounded, never blocking others. */
class ExecutorHardeningTest {
    private static RotationCommand command(final String id, final String path) {
        return RotationCommand.newBuilder(NotificationsTest.command("198.51.100.4", Map.of("user", "svc")))
                .setCommandId(id)
                .setSecretPath(path)
                .build();
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
            assertThat(d.resultsSeen.subList(2, 5))
                    .extracting(kv -> kv.value.getCommandId())
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

            final var second = d.rotator.requests.stream()
                    .filter(r -> r.commandId().equals("second"))
                    .findFirst()
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
                    .setEventType("x".repeat(64))
                    .setIndicator(Indicator.other)
                    .setRule("critical-threat")
                    .build());
            d.runUntilResults(1);

            assertThat(d.rotator.requests)
                    .singleElement()
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
