package dev.rotor.rotation;

import dev.rotor.avro.Indicator;
import dev.rotor.avro.RotationCommand;
import dev.rotor.vault.IntentLog;
import dev.rotor.vault.RotationOutcome;
import dev.rotor.vault.RotationRequest;
import dev.rotor.vault.SecretRotator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One executor task's rotations on the worker threads: at most one per secret, handed over by the stream thread and
 * handed back, finished, through a queue the stream thread drains ({@link #poll()}). The stream thread never waits for
 * Vault; only {@link #cancelAndAwait} waits, a bounded time, when the task closes.
 */
final class InFlightRotations {
    private static final Logger LOG = LoggerFactory.getLogger(InFlightRotations.class);

    /** A finished rotation, as a worker hands it back. */
    record Completion(String path, String commandId, RotationOutcome outcome, long startedAt, long completedAt) {}

    /**
     * A rotation handed to the workers; {@code started} is set when a worker picks it up and {@code done} opens when
     * the worker has left the rotator, however it ended.
     */
    private record Running(Future<?> future, AtomicBoolean started, AtomicBoolean cancelled, CountDownLatch done) {}

    private final SecretRotator rotator;
    private final RotationWorkers workers;
    private final Duration deadline;
    private final BiFunction<String, BooleanSupplier, IntentLog> intentLogs;
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Map<String, Running> running = new HashMap<>();

    /**
     * @param deadline how long a rotation retries transient Vault errors, from when a worker starts it
     * @param intentLogs the intent log of a command id, given the signal that cancels its rotation
     */
    InFlightRotations(
            final SecretRotator rotator,
            final RotationWorkers workers,
            final Duration deadline,
            final BiFunction<String, BooleanSupplier, IntentLog> intentLogs) {
        this.rotator = rotator;
        this.workers = workers;
        this.deadline = deadline;
        this.intentLogs = intentLogs;
    }

    /** Whether a rotation of {@code path} is with the workers. */
    boolean running(final String path) {
        return running.containsKey(path);
    }

    /** Hands {@code command} to a worker; its outcome comes back through {@link #poll()}. */
    void start(final RotationCommand command, final long startedAt) {
        final String path = command.getSecretPath();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicBoolean started = new AtomicBoolean();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final IntentLog intentLog = intentLogs.apply(command.getCommandId(), cancelled::get);
        final Future<?> future = workers.submit(() -> {
            started.set(true);
            try {
                // the deadline counts from here: time spent queued behind other secrets' rotations is not retrying
                final RotationRequest request = new RotationRequest(
                        command.getCommandId(),
                        path,
                        reason(command),
                        command.getIndicator() == Indicator.manual_trigger,
                        command.getTrigger().getTimestamp(),
                        Instant.now().plus(deadline),
                        cancelled::get,
                        intentLog);
                final RotationOutcome outcome = rotate(request);
                completions.add(
                        new Completion(path, command.getCommandId(), outcome, startedAt, System.currentTimeMillis()));
                return outcome;
            } finally {
                done.countDown();
            }
        });
        running.put(path, new Running(future, started, cancelled, done));
    }

    /** The next finished rotation, or null; the caller decides whether it is still its own ({@link #forget}). */
    Completion poll() {
        return completions.poll();
    }

    /** The rotation of {@code path} is published (or abandoned): a new one may start. */
    void forget(final String path) {
        running.remove(path);
    }

    /**
     * The task is closing: every rotation is asked to stop before its next Vault call (a flag, never an interrupt: an
     * interrupted HTTP call may still have been applied by Vault), and those a worker picked up are waited for, up to
     * {@code wait} in all. What they finish is dropped: the commands stay pending for the next owner.
     */
    void cancelAndAwait(final Duration wait) {
        for (final Running r : running.values()) {
            r.cancelled().set(true);
            r.future().cancel(false); // only if no worker picked it up yet
        }
        final long until = System.nanoTime() + wait.toNanos();
        for (final Running r : running.values()) {
            if (!r.started().get()) {
                continue; // cancelled before a worker picked it up: it will never run
            }
            try {
                if (!r.done().await(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("A rotation was still running when its task closed; its command will run again");
                    break;
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running.clear();
        completions.clear();
    }

    private RotationOutcome rotate(final RotationRequest request) {
        try {
            return rotator.rotate(request);
        } catch (final RuntimeException e) {
            LOG.error(
                    "Rotation of {} failed unexpectedly ({})",
                    request.secretPath(),
                    e.getClass().getName());
            return RotationOutcome.failed(
                    "unknown", "internal error (" + e.getClass().getSimpleName() + ")", List.of());
        }
    }

    /** The reason Vault records with a rotation: the rule (at most 64 characters) and the indicator. */
    static String reason(final RotationCommand command) {
        final Indicator indicator = command.getIndicator() == null ? Indicator.other : command.getIndicator();
        final String rule = command.getRule() == null ? "unknown" : command.getRule();
        return (rule.length() > 64 ? rule.substring(0, 64) : rule) + ": " + indicator.name();
    }
}
