package dev.rotor.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class WindowCountsTest {
    private static final long W = 15 * 60_000L;

    @Test
    void windowsIncludeBothEnds() {
        final WindowCounts c = new WindowCounts();
        c.add(0, 5, 1);
        c.add(W, 5, 2);
        assertThat(c.maxWindowSumContaining(W, W)).isEqualTo(10);
        c.add(W + 1, 5, 3);
        assertThat(c.maxWindowSumContaining(W + 1, W)).isEqualTo(10);
    }

    @Test
    void onlyWindowsContainingTheNewEventCount() {
        final WindowCounts c = new WindowCounts();
        c.add(0, 9, 1);
        c.add(W + 10, 1, 2);
        assertThat(c.maxWindowSumContaining(W + 10, W)).isEqualTo(1);
    }

    @Test
    void outOfOrderInsertKeepsTimeOrder() {
        final WindowCounts c = new WindowCounts();
        c.add(30, 1, 1);
        c.add(10, 1, 2);
        c.add(20, 1, 3);
        assertThat(List.of(c.time(0), c.time(1), c.time(2))).containsExactly(10L, 20L, 30L);
    }

    @Test
    void pruningDropsOnlyOlderEvents() {
        final WindowCounts c = new WindowCounts();
        for (int i = 0; i < 10; i++) {
            c.add(i * 10L, 1, i);
        }
        assertThat(c.pruneBefore(45)).isTrue();
        assertThat(c.size()).isEqualTo(5);
        assertThat(c.time(0)).isEqualTo(50);
        assertThat(c.pruneBefore(45)).isFalse();
    }

    @Test
    void zeroWeightIsNotStoredAndHugeWeightsSaturate() {
        final WindowCounts c = new WindowCounts();
        c.add(1, 0, 1);
        assertThat(c.isEmpty()).isTrue();
        c.add(1, Long.MAX_VALUE, 2);
        c.add(2, Long.MAX_VALUE, 3);
        assertThat(c.maxWindowSumContaining(2, W)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void stateSurvivesItsSerialisation() {
        final SecretState s = new SecretState();
        s.failedAuth.add(100, 3, 42);
        s.rateLimit.add(200, 7, 43);
        s.lastCommandAt = 50;
        s.newestCounted = 200;
        s.lastSeenAt = 60;
        s.lastManualAt = 40;
        final SecretState back = SecretState.fromBytes(s.toBytes());
        assertThat(back.lastCommandAt).isEqualTo(50);
        assertThat(back.newestCounted).isEqualTo(200);
        assertThat(back.lastSeenAt).isEqualTo(60);
        assertThat(back.lastManualAt).isEqualTo(40);
        assertThat(back.failedAuth.maxWindowSumContaining(100, W)).isEqualTo(3);
        assertThat(back.rateLimit.containsFingerprint(43)).isTrue();
    }

    /** State written before manual triggers had their own limit (format 3) reads back with no manual rotation known. */
    @Test
    void stateOfTheFormerFormatStillReads() {
        final ByteBuffer v3 = ByteBuffer.allocate(1 + 3 * 8 + 2 * 4 + 24);
        v3.put((byte) 3).putLong(50).putLong(200).putLong(60);
        v3.putInt(1).putLong(100).putLong(3).putLong(42);
        v3.putInt(0);
        final SecretState back = SecretState.fromBytes(v3.array());
        assertThat(back.lastCommandAt).isEqualTo(50);
        assertThat(back.lastSeenAt).isEqualTo(60);
        assertThat(back.lastManualAt).isEqualTo(SecretState.NEVER);
        assertThat(back.failedAuth.containsFingerprint(42)).isTrue();
        assertThat(back.manualTooSoon(61, 60_000)).isFalse();
    }

    /** The two-pointer answer equals brute force over every window that contains the event. */
    @RepeatedTest(50)
    void maxWindowSumMatchesBruteForce() {
        final Random random = new Random();
        final WindowCounts c = new WindowCounts();
        final List<long[]> events = new ArrayList<>();
        final long window = 1L + random.nextInt(100);
        for (int i = 0; i < 40; i++) {
            final long t = random.nextInt(300);
            final long w = random.nextInt(4);
            c.add(t, w, i);
            if (w > 0) {
                events.add(new long[] {t, w});
            }
            assertThat(c.maxWindowSumContaining(t, window))
                    .as("t=%d window=%d events=%s", t, window, events)
                    .isEqualTo(bruteForce(events, t, window));
        }
    }

    private static long bruteForce(final List<long[]> events, final long t, final long window) {
        long best = 0;
        for (long start = t - window; start <= t; start++) {
            long sum = 0;
            for (final long[] e : events) {
                if (e[0] >= start && e[0] <= start + window) {
                    sum += e[1];
                }
            }
            best = Math.max(best, sum);
        }
        return best;
    }
}
