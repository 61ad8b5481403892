package dev.rotor.vault;

import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps rotor's Vault token alive and its {@link VaultAuthHealth} current while no rotation calls Vault: one daemon
 * thread that renews the token once two thirds of its TTL have passed (a renewable {@code VAULT_TOKEN} with a TTL, or
 * the AppRole token), asks {@code auth/token/lookup-self} every {@code checkEvery} (so a revoked or expired token shows
 * in readiness without waiting for a rotation to fail), retries every {@code retryEvery} while a problem is reported,
 * and looks again right after a token that cannot be renewed expires.
 *
 * <p>{@link #start()} once, {@link #close()} at shutdown (interrupts the thread, waiting at most a second). No Kafka;
 * the calls it makes are not part of any rotation's call list.
 */
public final class VaultTokenRenewer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VaultTokenRenewer.class);
    /** How often the token is looked up when nothing else is due. */
    public static final Duration DEFAULT_CHECK_EVERY = Duration.ofMinutes(1);
    /** How often a reported problem is checked again. */
    public static final Duration DEFAULT_RETRY_EVERY = Duration.ofSeconds(5);

    private final VaultClient client;
    private final Duration checkEvery;
    private final Duration retryEvery;
    private final Thread thread;
    private volatile boolean running;

    public VaultTokenRenewer(final VaultClient client) {
        this(client, DEFAULT_CHECK_EVERY, DEFAULT_RETRY_EVERY);
    }

    public VaultTokenRenewer(final VaultClient client, final Duration checkEvery, final Duration retryEvery) {
        this.client = Objects.requireNonNull(client, "client");
        if (checkEvery.toMillis() < 100 || retryEvery.toMillis() < 100) {
            throw new IllegalArgumentException("check and retry intervals must be at least 100 ms");
        }
        this.checkEvery = checkEvery;
        this.retryEvery = retryEvery;
        this.thread = new Thread(this::loop, "rotor-vault-token");
        this.thread.setDaemon(true);
    }

    public synchronized void start() {
        if (running || thread.getState() != Thread.State.NEW) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (running) {
            Duration wait;
            try {
                wait = client.maintainToken(checkEvery, retryEvery);
            } catch (final RuntimeException e) {
                // a bug; its message is not trusted to be value-free
                LOG.error(
                        "Vault token maintenance failed ({}); trying again in {}",
                        e.getClass().getName(),
                        retryEvery);
                wait = retryEvery;
            }
            if (Thread.interrupted() && !running) {
                return;
            }
            try {
                Thread.sleep(Math.max(1, wait.toMillis()));
            } catch (final InterruptedException e) {
                if (!running) {
                    return;
                }
            }
        }
    }
}
