package dev.rotor.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.vault.RotationOutcome.VaultCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rotation in progress: the Vault calls it made, its deadline, the retry rule, and its point of no return.
 * Strategies call Vault only through it, choosing per call whether a transient failure may be retried blindly:
 *
 * <ul>
 *   <li>{@link #read}, {@link #readAllowingNotFound}, {@link #readVersionAllowingNotFound}, {@link #writeIdempotent}:
 *       retried with backoff until the deadline (reads; writes whose repetition is harmless);
 *   <li>{@link #writeOnce}, {@link #sendChange}: never retried here — the caller reads state back first ({@link #pause}
 *       between; {@link ObservedChange} for the strategies without a marker).
 * </ul>
 *
 * Before the change itself, the strategies without a marker in Vault record their intent ({@link #recordIntent}).
 *
 * <p><b>Stopping.</b> Before every Vault call and between retries the run asks the request's
 * {@link RotationRequest#cancelled() cancelled} signal and the thread's interrupt flag. Until the point of no return
 * ({@link #beginChange()}, called just before the request that changes the secret is sent) a cancel ends the rotation
 * as CANCELLED ("cancelled before the secret was changed") and an interrupt (JVM shutdown) as FAILED "interrupted".
 * From the point of no return on, both are ignored: the remaining calls (read-back, quarantine, markers) still run, so
 * a change that was sent is never treated as not done; an interrupt is re-asserted at the end. A cancel never cuts an
 * HTTP call short; only an interrupt can, and only before the point of no return does that end the rotation.
 */
final class RotationRun {
    private static final Logger LOG = LoggerFactory.getLogger(RotationRun.class);
    /** How often a backoff wait looks at the cancellation signal. */
    private static final long CANCEL_POLL_MILLIS = 50;

    @FunctionalInterface
    interface Call<T> {
        T run() throws VaultCallException;
    }

    private final VaultClient client;
    private final RotationRequest request;
    private final Backoff backoff;
    private final Instant started;
    private final Instant deadline;
    private final List<VaultCall> calls = new ArrayList<>();
    private boolean changing;
    private boolean interrupted;

    RotationRun(
            final VaultClient client,
            final RotationRequest request,
            final Backoff backoff,
            final Instant started,
            final Instant deadline) {
        this.client = client;
        this.request = request;
        this.backoff = backoff;
        this.started = started;
        this.deadline = deadline;
    }

    RotationRequest request() {
        return request;
    }

    List<VaultCall> calls() {
        return List.copyOf(calls);
    }

    /** Whether the thread was interrupted during the rotation (the caller re-asserts the flag). */
    boolean interrupted() {
        return interrupted;
    }

    /**
     * The point of no return: the next request may change the secret. Stops first if the rotation was cancelled or
     * interrupted; from then on cancels and interrupts are ignored (see the class comment).
     */
    void beginChange() throws RotationFailure {
        checkStop();
        changing = true;
    }

    /** Whether the point of no return has been passed. */
    boolean changing() {
        return changing;
    }

    VaultResponse read(final String apiPath) throws RotationFailure {
        return retrying(() -> client.read(apiPath, calls::add));
    }

    VaultResponse readAllowingNotFound(final String apiPath) throws RotationFailure {
        return retrying(() -> client.readAllowingNotFound(apiPath, calls::add));
    }

    /** One version of a KV v2 secret ({@code ?version=N}); a deleted, destroyed or pruned version is a 404 answer. */
    VaultResponse readVersionAllowingNotFound(final String apiPath, final long version) throws RotationFailure {
        return retrying(() -> client.readVersionAllowingNotFound(apiPath, version, calls::add));
    }

    /** A write that may safely be repeated after a timeout (metadata, quarantine, rotate endpoints). */
    VaultResponse writeIdempotent(final String apiPath, final ObjectNode body) throws RotationFailure {
        return retrying(() -> client.write(apiPath, body, calls::add));
    }

    /**
     * A write that changes the secret and may be repeated (rotate endpoints): {@link #beginChange()}, then
     * {@link #writeIdempotent}.
     */
    VaultResponse writeChange(final String apiPath, final ObjectNode body) throws RotationFailure {
        beginChange();
        return writeIdempotent(apiPath, body);
    }

    /**
     * Records the intent of the change ({@link IntentLog#record}) before {@link #beginChange()}; a rotation whose task
     * is closing cannot make it durable and stops as CANCELLED, having sent nothing.
     */
    void recordIntent(final String fingerprint) throws RotationFailure {
        checkStop();
        if (!request.intents().record(fingerprint)) {
            throw RotationFailure.cancelled();
        }
    }

    /** One attempt of a change without secret values in its body (rotate endpoints), after {@link #beginChange()}. */
    VaultResponse sendChange(final String apiPath, final ObjectNode body) throws VaultCallException {
        try {
            return client.write(apiPath, body, calls::add);
        } catch (final VaultCallException e) {
            if (e.kind() == VaultCallException.Kind.INTERRUPTED) {
                noteInterrupt();
            }
            throw e;
        }
    }

    /** One attempt of a write carrying secret values; the caller decides what a failure means. */
    VaultResponse writeOnce(final String apiPath, final ObjectNode body) throws VaultCallException, RotationFailure {
        checkStop();
        try {
            return client.writeSecret(apiPath, body, calls::add);
        } catch (final VaultCallException e) {
            if (e.kind() == VaultCallException.Kind.INTERRUPTED) {
                noteInterrupt();
                if (!changing) {
                    throw RotationFailure.interrupted();
                }
            }
            throw e;
        }
    }

    /** Runs {@code call}, retrying transient failures with backoff until the deadline; others fail at once. */
    <T> T retrying(final Call<T> call) throws RotationFailure {
        final Backoff.Sequence delays = backoff.start();
        while (true) {
            checkStop();
            try {
                return call.run();
            } catch (final VaultCallException e) {
                if (e.kind() == VaultCallException.Kind.INTERRUPTED) {
                    noteInterrupt();
                    if (!changing) {
                        throw RotationFailure.interrupted();
                    }
                } else if (!e.isTransient()) {
                    throw RotationFailure.of(e);
                }
                pause(delays, e);
            }
        }
    }

    /**
     * Waits before the next attempt after a transient failure, or gives up: FAILED naming the last error once the
     * deadline has passed.
     */
    void pause(final Backoff.Sequence delays, final VaultCallException last) throws RotationFailure {
        final long remaining = Duration.between(Instant.now(), deadline).toMillis();
        if (remaining <= 0) {
            throw gaveUp(last);
        }
        final long delay = Math.min(delays.nextDelayMillis(), remaining);
        LOG.warn("{}; retrying in {} ms", last.getMessage(), delay);
        final long until = System.nanoTime() + delay * 1_000_000;
        try {
            // in slices, so a cancel during a long backoff is noticed within one
            for (long left = delay; left > 0; left = (until - System.nanoTime()) / 1_000_000) {
                Thread.sleep(Math.min(left, CANCEL_POLL_MILLIS));
                checkStop();
            }
        } catch (final InterruptedException e) {
            noteInterrupt();
            if (!changing) {
                throw RotationFailure.interrupted();
            }
        }
        if (!Instant.now().isBefore(deadline)) {
            throw gaveUp(last);
        }
    }

    Backoff.Sequence delays() {
        return backoff.start();
    }

    /**
     * Before the point of no return: stops if the thread was interrupted (FAILED "interrupted") or the request was
     * cancelled (CANCELLED). Afterwards a pending interrupt is only noted.
     */
    void checkStop() throws RotationFailure {
        if (Thread.interrupted()) {
            noteInterrupt();
            if (!changing) {
                throw RotationFailure.interrupted();
            }
        }
        if (!changing && request.cancelled().getAsBoolean()) {
            throw RotationFailure.cancelled();
        }
    }

    private void noteInterrupt() {
        Thread.interrupted(); // clear: the remaining bookkeeping calls must not be cut short
        interrupted = true;
    }

    private RotationFailure gaveUp(final VaultCallException last) {
        return new RotationFailure(
                last.getMessage() + "; gave up after " + human(Duration.between(started, Instant.now())), last);
    }

    /** 5m, 2m30s, 1.5s, 800ms. */
    static String human(final Duration d) {
        final long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            final long tenths = Math.round(ms / 100.0);
            return tenths % 10 == 0 ? (tenths / 10) + "s" : (tenths / 10) + "." + (tenths % 10) + "s";
        }
        final long s = Math.round(ms / 1000.0);
        return s % 60 == 0 ? (s / 60) + "m" : (s / 60) + "m" + (s % 60) + "s";
    }
}
