package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.vault.RotationOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** The executor's side of exactly once for strategies without a marker in Vault: intents, replays, unknown outcomes. */
class ExecutorIntentTest {
    private static RotationCommand command(final String id) {
        return RotationCommand.newBuilder(NotificationsTest.command("198.51.100.4", Map.of()))
                .setCommandId(id)
                .setSecretPath("secret/prod/" + id)
                .build();
    }

    private static KeyValueStore<String, String> intents(final ExecutorDriver d) {
        return d.driver.getKeyValueStore(ExecuteRotations.INTENTS_STORE);
    }

    @Test
    void anIntentIsStoredAndCommittedBeforeTheRotationMayGoOnAndForgottenWithTheResult() throws Exception {
        try (ExecutorDriver d = new ExecutorDriver()) {
            final CountDownLatch recording = new CountDownLatch(1);
            final AtomicBoolean durable = new AtomicBoolean();
            d.rotator.answer(r -> {
                recording.countDown();
                durable.set(r.intents().record("version-1"));
                return ScriptedRotator.rotated(1L, 2L);
            });
            d.send(command("t1"));
            assertThat(recording.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(50); // the worker now waits in record()

            d.advance(Duration.ofMillis(10)); // stored, commit requested
            assertThat(intents(d).get("t1")).isEqualTo("version-1");
            assertThat(durable)
                    .as("not before the commit that follows this punctuation")
                    .isFalse();

            d.runUntilResults(1); // the next punctuation lets it go on
            assertThat(durable).isTrue();
            assertThat(d.resultsSeen.get(0).value.getStatus()).isEqualTo(ResultStatus.ROTATED);
            assertThat(intents(d).get("t1"))
                    .as("forgotten once the result is out")
                    .isNull();
        }
    }

    @Test
    void aCommandRunAgainFindsItsEarlierIntent() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            final AtomicReference<Optional<String>> seen = new AtomicReference<>();
            d.rotator.answer(r -> {
                seen.set(r.intents().recorded());
                return new RotationOutcome(
                        RotationOutcome.Kind.ALREADY_APPLIED, "transit", 1L, 2L, null, List.of(), List.of());
            });
            intents(d).put("t2", "version-1"); // what the earlier owner committed before it crashed
            d.send(command("t2"));
            d.runUntilResults(1);

            assertThat(seen.get()).contains("version-1");
            final RotationResult r = d.resultsSeen.get(0).value;
            assertThat(r.getStatus()).isEqualTo(ResultStatus.ROTATED);
            assertThat(r.getNewVersion()).isEqualTo(2L);
        }
    }

    @Test
    void anUnknownOutcomeIsItsOwnStatusWithACriticalNotificationAndIsNeverRetriedByAReplay() {
        try (ExecutorDriver d = new ExecutorDriver()) {
            d.rotator.answer(r -> new RotationOutcome(
                    RotationOutcome.Kind.OUTCOME_UNKNOWN,
                    "database-root",
                    null,
                    null,
                    "no answer to POST database/rotate-root/pg; not sent again: check it",
                    List.of(),
                    List.of()));
            d.send(command("pg"));
            d.runUntilResults(1);

            final RotationResult r = d.resultsSeen.get(0).value;
            assertThat(r.getStatus()).isEqualTo(ResultStatus.OUTCOME_UNKNOWN);
            assertThat(r.getSuccess()).isFalse();
            assertThat(d.criticalSeen)
                    .singleElement()
                    .satisfies(n -> assertThat(n.getMessage())
                            .startsWith("⚠️ EMERGENCY ROTATION OUTCOME UNKNOWN ⚠️")
                            .contains("check it"));

            d.send(command("pg"));
            d.runUntilResults(2);
            assertThat(d.resultsSeen.get(1).value.getStatus()).isEqualTo(ResultStatus.DUPLICATE);
            assertThat(d.resultsSeen.get(1).value.getSuccess()).isFalse();
            assertThat(d.rotator.requests).hasSize(1);
        }
    }
}
