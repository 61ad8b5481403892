package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.vault.RotationOutcome;
import org.junit.jupiter.api.Test;

/** The executor's in-flight limit: grows while Vault keeps up and work waits, halves once per overload. */
class InFlightLimitTest {
    private static RotationOutcome answered(final int... statuses) {
        return answeredIn(20, statuses);
    }

    private static RotationOutcome answeredIn(final long ms, final int... statuses) {
        return ScriptedRotator.rotatedAfter(ms, statuses);
    }

    @Test
    void startsAtSixteenOrTheCeilingIfLower() {
        assertThat(new InFlightLimit(256).limit()).isEqualTo(16);
        assertThat(new InFlightLimit(4).limit()).isEqualTo(4);
        assertThatThrownBy(() -> new InFlightLimit(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void growsByOneForEachCleanRotationWhileWorkWaitsAndStopsAtTheCeiling() {
        final InFlightLimit limit = new InFlightLimit(20);
        for (int i = 0; i < 3; i++) {
            limit.finished(limit.mark(), answered(200, 200, 204), true);
        }
        assertThat(limit.limit()).isEqualTo(19);
        for (int i = 0; i < 10; i++) {
            limit.finished(limit.mark(), answered(200), true);
        }
        assertThat(limit.limit()).isEqualTo(20);
    }

    @Test
    void lightTrafficNeverRaisesIt() {
        final InFlightLimit limit = new InFlightLimit(256);
        for (int i = 0; i < 100; i++) {
            limit.finished(limit.mark(), answered(200), false);
        }
        assertThat(limit.limit()).isEqualTo(16);
    }

    @Test
    void halvesWhenVaultPushesBackButNeverBelowOne() {
        for (final int status : new int[] {429, 502, 503, 504, 0}) {
            final InFlightLimit limit = new InFlightLimit(256);
            limit.finished(limit.mark(), answered(200, status, 200), true);
            assertThat(limit.limit()).as("after a %d", status).isEqualTo(8);
        }
        final InFlightLimit limit = new InFlightLimit(256);
        for (int i = 0; i < 10; i++) {
            limit.finished(limit.mark(), answered(429), true);
        }
        assertThat(limit.limit()).isEqualTo(1);
    }

    @Test
    void answersThatSayNothingAboutLoadDoNotCutIt() {
        final InFlightLimit limit = new InFlightLimit(256);
        limit.finished(limit.mark(), answered(400, 403, 404, 412, 500), false);
        limit.finished(limit.mark(), null, false);
        assertThat(limit.limit()).isEqualTo(16);
    }

    @Test
    void oneOverloadIsOneHalvingHoweverManyRotationsSawIt() {
        final InFlightLimit limit = new InFlightLimit(256);
        final long before = limit.mark();
        limit.finished(before, answered(429), true);
        limit.finished(before, answered(429), true);
        limit.finished(before, answered(503), true);
        assertThat(limit.limit()).isEqualTo(8);
        // a rotation that started after the cut and still meets a 429: Vault is still overloaded
        limit.finished(limit.mark(), answered(429), true);
        assertThat(limit.limit()).isEqualTo(4);
    }

    @Test
    void afterAPushBackItGrowsByOnePerRoundInsteadOfDoubling() {
        final InFlightLimit limit = new InFlightLimit(256);
        limit.finished(limit.mark(), answered(429), true); // 16 -> 8
        for (int i = 0; i < 7; i++) {
            limit.finished(limit.mark(), answered(200), true);
        }
        assertThat(limit.limit()).isEqualTo(8);
        limit.finished(limit.mark(), answered(200), true); // the 8th clean rotation of the round
        assertThat(limit.limit()).isEqualTo(9);
        for (int i = 0; i < 9; i++) {
            limit.finished(limit.mark(), answered(200), true);
        }
        assertThat(limit.limit()).isEqualTo(10);
    }

    @Test
    void itStopsGrowingWhenMoreInFlightOnlyMakesVaultSlower() {
        final long[] now = {0};
        final InFlightLimit limit = new InFlightLimit(256, () -> now[0]);
        limit.finished(limit.mark(), answeredIn(10, 200, 200), false); // the fastest: 10 ms a call
        limit.finished(limit.mark(), answeredIn(16, 200), true); // within 1.5 x 10 + 1
        assertThat(limit.limit()).isEqualTo(17);
        for (int i = 0; i < 5; i++) {
            limit.finished(limit.mark(), answeredIn(40, 200, 200), true); // slower: more in flight only queues
        }
        assertThat(limit.limit()).isEqualTo(17);
        limit.finished(limit.mark(), answeredIn(12, 200), true); // fast again
        assertThat(limit.limit()).isEqualTo(18);
    }

    @Test
    void theFastestTimeIsForgottenAfterTwoWindowsSoASlowerVaultCanStillBeProbed() {
        final long[] now = {0};
        final InFlightLimit limit = new InFlightLimit(256, () -> now[0]);
        limit.finished(limit.mark(), answeredIn(2, 200), false); // a quick moment
        limit.finished(limit.mark(), answeredIn(100, 200), true);
        assertThat(limit.limit()).isEqualTo(16);
        now[0] += java.util.concurrent.TimeUnit.SECONDS.toNanos(11);
        limit.finished(limit.mark(), answeredIn(100, 200), true); // still within the previous window's memory
        assertThat(limit.limit()).isEqualTo(16);
        now[0] += java.util.concurrent.TimeUnit.SECONDS.toNanos(11);
        limit.finished(limit.mark(), answeredIn(100, 200), true); // the quick moment is forgotten: 100 ms is the pace
        limit.finished(limit.mark(), answeredIn(110, 200), true);
        assertThat(limit.limit()).isEqualTo(18);
    }

    @Test
    void afterAnOutageItDoublesBackToHalfTheFirstCutThenGrowsByOnePerRound() {
        final InFlightLimit limit = new InFlightLimit(256);
        for (int i = 0; i < 48; i++) {
            limit.finished(limit.mark(), answered(200), true);
        }
        assertThat(limit.limit()).isEqualTo(64);
        for (int i = 0; i < 8; i++) { // Vault down: every new rotation gets no answer
            limit.finished(limit.mark(), answered(0), true);
        }
        assertThat(limit.limit()).isEqualTo(1);
        for (int i = 0; i < 31; i++) { // Vault is back
            limit.finished(limit.mark(), answered(200), true);
        }
        assertThat(limit.limit()).isEqualTo(32); // half of 64, reached one per clean rotation
        for (int i = 0; i < 31; i++) {
            limit.finished(limit.mark(), answered(200), true);
        }
        assertThat(limit.limit()).isEqualTo(32);
        limit.finished(limit.mark(), answered(200), true); // the round of 32 is complete
        assertThat(limit.limit()).isEqualTo(33);
    }

    @Test
    void aVaultOnTheSameCoresDoesNotGetMoreInFlightWhenItsAnswersSlowDown() {
        final long[] now = {0};
        final InFlightLimit limit = new InFlightLimit(256, () -> now[0]);
        limit.finished(limit.mark(), answeredIn(1, 200, 200, 200), false); // a local Vault answers in a millisecond
        for (int i = 0; i < 50; i++) {
            limit.finished(limit.mark(), answeredIn(4, 200, 200, 200), true); // busy cores: every call a little slower
        }
        assertThat(limit.limit()).isEqualTo(16);
    }
}
