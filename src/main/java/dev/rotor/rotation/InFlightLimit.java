package dev.rotor.rotation;

import dev.rotor.vault.RotationOutcome;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How many rotations an instance keeps in flight, found from Vault's answers instead of fixed in advance: additive
 * increase, multiplicative decrease, as TCP finds a network's capacity.
 *
 * <ul>
 *   <li>Starts at {@value #INITIAL} (or the ceiling, if lower).
 *   <li>Grows while rotations wait for a slot and Vault keeps up: it answers them cleanly and about as fast as it
 *       answered with fewer in flight (a rotation's mean call time at most 1.5 times the fastest seen in the last 10 to
 *       20 s, plus {@value #SLACK_MS} ms). By one per such rotation until Vault first pushes back, so it doubles each
 *       round of rotations, and after that by one per round (one per {@code limit} such rotations), probing carefully
 *       near the level where Vault pushed back. Idle or light traffic never raises it, and neither does a Vault (or a
 *       machine) that only gets slower with more in flight: more rotations at once would then only queue.
 *   <li>Halves (at least 1) when a rotation saw Vault push back: 429 (a rate-limit quota), 502, 503 or 504, or no
 *       answer at all (a timeout, a refused connection). The rotations that started before a cut do not cut it again:
 *       one overload is one halving, however many rotations saw it. After an outage (cut after cut, down to 1) it
 *       doubles per round again up to half the level of the first cut, then grows by one per round.
 *   <li>Never exceeds the ceiling, {@code rotor.executor.parallelism}.
 * </ul>
 *
 * Thread-safe; the worker threads report to it.
 */
final class InFlightLimit {
    /** Where the limit starts: the fixed number of worker threads rotor had before the limit adapted. */
    static final int INITIAL = 16;

    static final int WINDOW_SECONDS = 10;
    static final int SLACK_MS = 1;

    private final int ceiling;
    private final LongSupplier nanoTime;
    private int limit;
    /** The fastest mean call time of the current and the previous window. */
    private double fastestNow = Double.POSITIVE_INFINITY;

    private double fastestBefore = Double.POSITIVE_INFINITY;
    private long windowStart;
    private long cuts;
    /**
     * Below this the limit grows by one per clean rotation (doubling per round), above it by one per round: no bound
     * until the first push-back, then half the limit Vault pushed back at. Cuts that follow one another without growth
     * in between (an outage) keep it, so that the limit climbs back quickly once Vault answers again.
     */
    private int fastGrowthUntil = Integer.MAX_VALUE;

    private boolean grewSinceCut = true;
    /** Clean rotations counted towards the next step of growth, once growth is one per round. */
    private int credit;

    InFlightLimit(final int ceiling) {
        this(ceiling, System::nanoTime);
    }

    InFlightLimit(final int ceiling, final LongSupplier nanoTime) {
        if (ceiling < 1) {
            throw new IllegalArgumentException("the ceiling must be at least 1, got " + ceiling);
        }
        this.ceiling = ceiling;
        this.nanoTime = nanoTime;
        this.limit = Math.min(INITIAL, ceiling);
        this.windowStart = nanoTime.getAsLong();
    }

    synchronized int limit() {
        return limit;
    }

    /** A mark a rotation takes when it starts and hands back with {@link #finished}. */
    synchronized long mark() {
        return cuts;
    }

    /**
     * A rotation that took {@code mark} when it started has finished with {@code outcome}; {@code othersWaiting} says
     * whether rotations were waiting for a slot.
     */
    synchronized void finished(final long mark, final RotationOutcome outcome, final boolean othersWaiting) {
        if (outcome == null) {
            return; // cancelled or broken: says nothing about Vault
        }
        if (pushedBack(outcome)) {
            if (mark == cuts) {
                limit = Math.max(1, limit / 2);
                if (grewSinceCut) {
                    fastGrowthUntil = limit;
                }
                grewSinceCut = false;
                cuts++;
                credit = 0;
            }
        } else if (keepsUp(outcome) && othersWaiting && limit < ceiling) { // keepsUp first: it learns every time
            if (limit < fastGrowthUntil || ++credit >= limit) {
                limit++;
                credit = 0;
                grewSinceCut = true;
            }
        }
    }

    /**
     * Whether the rotation's calls took at most 1.5 times as long as the fastest of the last window or two (plus a
     * millisecond, the resolution of a call's time). Strict on purpose: where Vault is near, or shares the machine's
     * cores, more rotations at once take CPU from the stream threads and only slow every call; a rotation without calls
     * says nothing and passes.
     */
    private boolean keepsUp(final RotationOutcome outcome) {
        final List<RotationOutcome.VaultCall> calls = callsOf(outcome);
        if (calls.isEmpty()) {
            return true;
        }
        final double mean = calls.stream()
                .mapToLong(RotationOutcome.VaultCall::durationMs)
                .average()
                .orElse(0);
        final long now = nanoTime.getAsLong();
        if (now - windowStart > TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
            // the fastest time is forgotten after a window or two: Vault's own speed changes (load, failover)
            fastestBefore = fastestNow;
            fastestNow = Double.POSITIVE_INFINITY;
            windowStart = now;
        }
        fastestNow = Math.min(fastestNow, mean);
        return mean <= 1.5 * Math.min(fastestNow, fastestBefore) + SLACK_MS;
    }

    /** Whether any of the rotation's Vault calls got an answer that says Vault (or the way to it) is overloaded. */
    static boolean pushedBack(final RotationOutcome outcome) {
        for (final RotationOutcome.VaultCall call : callsOf(outcome)) {
            final int status = call.status();
            if (status == 0 || status == 429 || status == 502 || status == 503 || status == 504) {
                return true;
            }
        }
        return false;
    }

    private static List<RotationOutcome.VaultCall> callsOf(final RotationOutcome outcome) {
        return outcome.calls() == null ? List.of() : outcome.calls();
    }
}
