package dev.rotor.rotation;

import dev.rotor.vault.RotationOutcome;

/**
 * How many rotations an instance keeps in flight, found from Vault's answers instead of fixed in advance: additive
 * increase, multiplicative decrease, as TCP finds a network's capacity.
 *
 * <ul>
 *   <li>Starts at {@value #INITIAL} (or the ceiling, if lower).
 *   <li>Grows while rotations wait for a slot and Vault answers them cleanly (rotor has more work than slots and Vault
 *       keeps up): by one per such rotation until Vault first pushes back, so it doubles each round of rotations, and
 *       after that by one per round (one per {@code limit} such rotations), probing carefully near the level where
 *       Vault pushed back. Idle or light traffic never raises it.
 *   <li>Halves (at least 1) when a rotation saw Vault push back: 429 (a rate-limit quota), 502, 503 or 504, or no
 *       answer at all (a timeout, a refused connection). The rotations that started before a cut do not cut it again:
 *       one overload is one halving, however many rotations saw it.
 *   <li>Never exceeds the ceiling, {@code rotor.executor.parallelism}.
 * </ul>
 *
 * Thread-safe; the worker threads report to it.
 */
final class InFlightLimit {
    /** Where the limit starts: the fixed number of worker threads rotor had before the limit adapted. */
    static final int INITIAL = 16;

    private final int ceiling;
    private int limit;
    private long cuts;
    /** Clean rotations counted towards the next step of growth, once growth is one per round. */
    private int credit;

    InFlightLimit(final int ceiling) {
        if (ceiling < 1) {
            throw new IllegalArgumentException("the ceiling must be at least 1, got " + ceiling);
        }
        this.ceiling = ceiling;
        this.limit = Math.min(INITIAL, ceiling);
    }

    synchronized int limit() {
        return limit;
    }

    int ceiling() {
        return ceiling;
    }

    /** A mark a rotation takes when it starts and hands back with {@link #finished}. */
    synchronized long mark() {
        return cuts;
    }

    /**
     * A rotation that took {@code mark} when it started has finished with {@code outcome}; {@code othersWaiting} says
     * whether rotations were waiting for a slot. Returns the limit from now on.
     */
    synchronized int finished(final long mark, final RotationOutcome outcome, final boolean othersWaiting) {
        if (outcome == null) {
            return limit; // cancelled or broken: says nothing about Vault
        }
        if (pushedBack(outcome)) {
            if (mark == cuts) {
                limit = Math.max(1, limit / 2);
                cuts++;
                credit = 0;
            }
        } else if (othersWaiting && limit < ceiling) {
            if (cuts == 0 || ++credit >= limit) {
                limit++;
                credit = 0;
            }
        }
        return limit;
    }

    /** Whether any of the rotation's Vault calls got an answer that says Vault (or the way to it) is overloaded. */
    static boolean pushedBack(final RotationOutcome outcome) {
        if (outcome.calls() == null) {
            return false;
        }
        for (final RotationOutcome.VaultCall call : outcome.calls()) {
            final int status = call.status();
            if (status == 0 || status == 429 || status == 502 || status == 503 || status == 504) {
                return true;
            }
        }
        return false;
    }
}
