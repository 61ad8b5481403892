package dev.rotor.faults;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;

/** Logs how far a scenario has got, at most once per interval, so a slow run shows where its time went. */
final class Progress {
    private final Logger log;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long last;

    Progress(final Logger log, final Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.last = start;
    }

    void report(final Supplier<String> what) {
        final long now = System.nanoTime();
        if (now - last >= intervalNanos) {
            last = now;
            log.info("+{} s: {}", (now - start) / 1_000_000_000, what.get());
        }
    }
}
