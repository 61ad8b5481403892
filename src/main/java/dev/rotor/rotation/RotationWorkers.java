package dev.rotor.rotation;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that call Vault, shared by all executor tasks of one instance. Their number bounds how many rotations are
 * in flight at once ({@code rotor.executor.parallelism}); the stream threads never wait for Vault.
 */
public final class RotationWorkers implements AutoCloseable {
    private final ThreadPoolExecutor pool;

    public RotationWorkers(final int parallelism) {
        final AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(
                parallelism, parallelism, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    final Thread t = new Thread(r, "rotor-rotation-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    ExecutorService pool() {
        return pool;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
