package dev.rotor.notify;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The delivery thread's stop signal: pauses between retries end at once when it is raised. */
final class Stop {
    private final CountDownLatch raised = new CountDownLatch(1);

    void raise() {
        raised.countDown();
    }

    boolean raised() {
        return raised.getCount() == 0;
    }

    /** Waits {@code d}; returns false when stopped meanwhile (or interrupted), true when the pause ran out. */
    boolean pause(final Duration d) {
        try {
            return !raised.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
