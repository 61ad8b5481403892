package dev.rotor.vault;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th delay is uniform in [0, min(cap, initial * 2^n)], so many workers
 * retrying against a recovering Vault spread out instead of arriving together.
 *
 * @param initial the first ceiling (100 ms by default)
 * @param cap the largest ceiling (5 s by default)
 */
record Backoff(Duration initial, Duration cap) {
    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    Backoff {
        if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= cap");
        }
    }

    /** A fresh sequence of delays for one operation. */
    Sequence start() {
        return new Sequence();
    }

    /** The delays of one operation's retries. Not thread-safe (one rotation runs on one thread). */
    final class Sequence {
        private int attempt;

        long nextDelayMillis() {
            final long ceiling = Math.min(cap.toMillis(), initial.toMillis() << Math.min(attempt, 30));
            attempt++;
            return ThreadLocalRandom.current().nextLong(ceiling + 1);
        }
    }
}
