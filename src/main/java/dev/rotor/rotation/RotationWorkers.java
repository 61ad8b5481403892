package dev.rotor.rotation;

import dev.rotor.vault.RotationOutcome;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that call Vault, shared by all executor tasks of one instance; the stream threads never wait for Vault.
 *
 * <p>How many rotations run at once is an {@link InFlightLimit}: it grows while Vault answers cleanly and rotations
 * wait for a slot, and halves when Vault pushes back, up to {@code rotor.executor.parallelism}. A rotation waiting on
 * Vault parks one thread, which costs its stack and no CPU; threads exist only while they have work (they retire after
 * a minute idle), so a quiet instance holds none and an incident against a distant Vault gets as many rotations in
 * flight as Vault takes. Rotations beyond the limit wait in submission order; the per-secret queues of
 * {@link ExecuteRotations} make sure two never run for one secret.
 */
public final class RotationWorkers implements AutoCloseable {
    private final ThreadPoolExecutor threads;
    private final InFlightLimit limit;
    /** Rotations handed over and not yet started, in submission order. Guarded by {@code this}. */
    private final Deque<FutureTask<RotationOutcome>> waiting = new ArrayDeque<>();
    /** Rotations started and not finished. Guarded by {@code this}. */
    private int running;

    /** @param ceiling the most rotations in flight at once ({@code rotor.executor.parallelism}) */
    public RotationWorkers(final int ceiling) {
        this.limit = new InFlightLimit(ceiling);
        final AtomicInteger n = new AtomicInteger();
        // no queue: every rotation let through gets a thread at once, an idle one if there is one; the limit, not the
        // pool, bounds how many run
        this.threads =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    final Thread t = new Thread(r, "rotor-rotation-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Runs {@code rotation} on a worker once the limit lets it; its outcome adjusts the limit. Cancelling the future
     * before it starts keeps it from running.
     */
    Future<RotationOutcome> submit(final Rotation rotation) {
        final FutureTask<RotationOutcome> task = new FutureTask<>(rotation::run);
        synchronized (this) {
            waiting.add(task);
            startWhatTheLimitAllows();
        }
        return task;
    }

    /** A rotation as a worker runs it. */
    @FunctionalInterface
    interface Rotation {
        RotationOutcome run();
    }

    /** The current limit on rotations in flight. */
    public int limit() {
        return limit.limit();
    }

    /** Rotations a worker is running now. */
    public synchronized int running() {
        return running;
    }

    /** Rotations handed over and waiting for a slot. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Hands waiting rotations to new or idle threads while the limit allows. Caller holds {@code this}. */
    private void startWhatTheLimitAllows() {
        FutureTask<RotationOutcome> task;
        while ((task = nextAllowed()) != null) {
            final FutureTask<RotationOutcome> first = task;
            final long mark = limit.mark();
            try {
                threads.execute(() -> work(first, mark));
            } catch (final RejectedExecutionException e) {
                running--; // closing: what has not started never will
                task.cancel(false);
            }
        }
    }

    /** The next rotation that may start now, counted as running; null when none may. Caller holds {@code this}. */
    private FutureTask<RotationOutcome> nextAllowed() {
        while (running < limit.limit() && !waiting.isEmpty()) {
            final FutureTask<RotationOutcome> task = waiting.poll();
            if (!task.isDone()) { // not cancelled while it waited
                running++;
                return task;
            }
        }
        return null;
    }

    /** A worker thread: runs its rotation, then the next waiting ones while the limit allows. */
    private void work(final FutureTask<RotationOutcome> first, final long firstMark) {
        FutureTask<RotationOutcome> task = first;
        long mark = firstMark;
        while (task != null) {
            final RotationOutcome outcome = runOne(task);
            synchronized (this) {
                running--;
                limit.finished(mark, outcome, !waiting.isEmpty());
                task = nextAllowed();
                mark = limit.mark();
                startWhatTheLimitAllows();
            }
        }
    }

    /** Runs one rotation; its outcome, or null when it was cancelled or threw (neither says anything about Vault). */
    private static RotationOutcome runOne(final FutureTask<RotationOutcome> task) {
        task.run();
        if (task.isCancelled()) {
            return null;
        }
        try {
            return task.get();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (final ExecutionException e) {
            return null;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            waiting.forEach(t -> t.cancel(false));
            waiting.clear();
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
