package dev.rotor.detection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretStateTest {
    @Test
    void pruningDropsOldEventsFromBothCountsEvenWhenTheFirstChanged() {
        final SecretState s = new SecretState();
        s.failedAuth.add(1_000, 1, 1);
        s.rateLimit.add(1_000, 1, 2);
        s.rateLimit.add(9_000, 1, 3);

        assertThat(s.pruneBefore(5_000)).isTrue();

        assertThat(s.failedAuth.isEmpty()).isTrue();
        assertThat(s.rateLimit.size()).isEqualTo(1);
    }

    @Test
    void pruningReportsNoChangeWhenNothingIsOlderThanTheCutoff() {
        final SecretState s = new SecretState();
        s.rateLimit.add(9_000, 1, 3);

        assertThat(s.pruneBefore(5_000)).isFalse();
        assertThat(s.rateLimit.size()).isEqualTo(1);
    }
}
