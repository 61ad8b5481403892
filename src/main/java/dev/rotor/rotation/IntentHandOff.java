package dev.rotor.rotation;

import dev.rotor.vault.IntentLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Makes the intents of the executor's rotations durable ({@link IntentLog}; README "Operating notes", exactly-once): a
 * worker hands a fingerprint over and waits; the stream thread stores it in {@value #STORE} and requests a commit at
 * one punctuation, and lets the worker go on at the next one. Kafka Streams runs a requested commit after punctuating
 * and before punctuating again ({@code StreamThread}: process, punctuate, maybeCommit), and a failed commit closes the
 * task, which cancels the waiting worker before it sends anything.
 *
 * <p>Thread use: {@link #logFor} and {@link #forget} on the stream thread; {@link IntentLog#record} on a worker.
 */
final class IntentHandOff {
    static final String STORE = "rotation-intents";
    private static final long CANCEL_POLL_MILLIS = 20;

    /** A worker's intent, waiting to be made durable; {@code durable} opens when it is. */
    private record Request(String commandId, String fingerprint, CountDownLatch durable) {}

    private final KeyValueStore<String, String> intents;
    private final Queue<Request> handedOver = new ConcurrentLinkedQueue<>();
    private final List<Request> awaitingCommit = new ArrayList<>();
    /** Commands with an entry in the store, so that only they pay for its removal (a changelog record). */
    private final Set<String> stored = new HashSet<>();

    IntentHandOff(final KeyValueStore<String, String> intents) {
        this.intents = intents;
    }

    /** The intent log of one rotation of {@code commandId}, with what an earlier attempt recorded, if anything. */
    IntentLog logFor(final String commandId, final BooleanSupplier cancelled) {
        final Optional<String> earlier = Optional.ofNullable(intents.get(commandId));
        earlier.ifPresent(i -> stored.add(commandId));
        return new IntentLog() {
            @Override
            public Optional<String> recorded() {
                return earlier;
            }

            @Override
            public boolean record(final String fingerprint) {
                final Request r = new Request(commandId, fingerprint, new CountDownLatch(1));
                handedOver.add(r);
                try {
                    while (!r.durable().await(CANCEL_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                        if (cancelled.getAsBoolean()) {
                            return false;
                        }
                    }
                    return true;
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        };
    }

    /**
     * Stream thread, each punctuation: the intents stored at the previous one are durable now, so their workers go on;
     * the intents handed over since are stored and a commit is requested.
     */
    void punctuate(final ProcessorContext<?, ?> context) {
        awaitingCommit.forEach(r -> r.durable().countDown());
        awaitingCommit.clear();
        Request r;
        while ((r = handedOver.poll()) != null) {
            intents.put(r.commandId(), r.fingerprint());
            stored.add(r.commandId());
            awaitingCommit.add(r);
        }
        if (!awaitingCommit.isEmpty()) {
            context.commit();
        }
    }

    /** The command has its result: its intent is no longer needed. */
    void forget(final String commandId) {
        if (stored.remove(commandId)) {
            intents.delete(commandId);
        }
    }

    /** The task closes: nothing waiting is made durable (the workers were cancelled and give up). */
    void clear() {
        handedOver.clear();
        awaitingCommit.clear();
        stored.clear();
    }
}
