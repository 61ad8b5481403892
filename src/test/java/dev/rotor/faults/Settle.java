package dev.rotor.faults;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Bounded waits that end in a verdict instead of an exception: the scenarios wait for rotor to settle, then assert
 * every invariant with the figures of what did (or did not) happen, so a failure names each broken invariant rather
 * than "condition not met within 3 minutes".
 */
final class Settle {
    private Settle() {}

    /** Polls {@code condition} until it holds or {@code atMost} has passed; returns whether it held. */
    static boolean within(final String what, final Duration atMost, final Callable<Boolean> condition) {
        try {
            Awaitility.await(what)
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(500))
                    .pollDelay(Duration.ZERO)
                    .until(condition);
            return true;
        } catch (final ConditionTimeoutException e) {
            return false;
        }
    }

    static void sleep(final Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
