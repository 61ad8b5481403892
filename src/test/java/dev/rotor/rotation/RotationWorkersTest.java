package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The worker pool on real threads: as many rotations run at once as the in-flight limit allows, the limit grows while
 * work waits and Vault keeps up, and a push-back shrinks how many run, without interrupting any.
 */
class RotationWorkersTest {
    /** Rotations that each wait for a permit, then answer with the status the test chose. */
    private static final class Gate {
        final Semaphore permits = new Semaphore(0);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        volatile int status = 200;

        List<Future<?>> submit(final RotationWorkers workers, final int n) {
            final List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(workers.submit(rotation()));
            }
            return futures;
        }

        /** Lets every rotation finish; none of them was interrupted on the way. */
        void finishAll(final List<Future<?>> futures) {
            permits.release(1_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> futures.stream().allMatch(Future::isDone));
            assertThat(interrupted.get()).isZero();
        }

        RotationWorkers.Rotation rotation() {
            return () -> {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("no permit");
                    }
                } catch (final InterruptedException e) {
                    interrupted.incrementAndGet();
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                return ScriptedRotator.rotatedAfter(20, status);
            };
        }
    }

    @Test
    void moreRotationsRunAtOnceWhileWorkWaitsUpToTheCeiling() {
        final Gate gate = new Gate();
        try (RotationWorkers workers = new RotationWorkers(40)) {
            final List<Future<?>> futures = gate.submit(workers, 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> gate.running.get() == 16);
            assertThat(workers.limit()).isEqualTo(16);
            assertThat(workers.waiting()).isEqualTo(200 - 16);

            gate.permits.release(24); // 24 clean rotations finish while others wait: 16 + 24 = 40
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(
                                    List.of(gate.running.get(), workers.limit(), workers.running(), workers.waiting()))
                            .isEqualTo(List.of(40, 40, 40, 200 - 64)));

            gate.permits.release(20); // at the ceiling: finishing more does not raise it
            await().atMost(Duration.ofSeconds(10)).until(() -> workers.waiting() == 200 - 40 - 44);
            assertThat(workers.limit()).isEqualTo(40);
            assertThat(gate.mostAtOnce.get()).isEqualTo(40);

            gate.finishAll(futures);
        }
    }

    @Test
    void aPushBackHalvesHowManyRunWithoutInterruptingAny() {
        final Gate gate = new Gate();
        try (RotationWorkers workers = new RotationWorkers(64)) {
            final List<Future<?>> futures = gate.submit(workers, 300);
            gate.permits.release(16); // 16 clean finishes while work waits: 32 run
            await().atMost(Duration.ofSeconds(10)).until(() -> gate.running.get() == 32);

            gate.status = 429;
            gate.permits.release(1); // Vault pushed back: 16 from now on
            await().atMost(Duration.ofSeconds(10)).until(() -> workers.limit() == 16);
            assertThat(gate.running.get()).isEqualTo(31); // nothing in flight is stopped

            gate.status = 200;
            gate.permits.release(31); // they finish cleanly; growth is now one per round
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            workers.waiting() == 300 - 48 - workers.limit() && gate.running.get() == workers.limit());
            assertThat(workers.limit()).isEqualTo(17);

            gate.finishAll(futures);
        }
    }
}
