package dev.rotor.rotation;

import dev.rotor.vault.RotationOutcome;
import dev.rotor.vault.RotationRequest;
import dev.rotor.vault.SecretRotator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A stand-in for the Vault port in executor unit tests: records requests and answers as scripted. */
final class ScriptedRotator implements SecretRotator {
    final List<RotationRequest> requests = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> concurrentByPath = new ConcurrentHashMap<>();
    final AtomicInteger maxConcurrentForOnePath = new AtomicInteger();
    private volatile Function<RotationRequest, RotationOutcome> answer = r -> rotated(1L, 2L);
    private volatile CountDownLatch gate = new CountDownLatch(0);

    static RotationOutcome rotated(final Long from, final Long to) {
        return new RotationOutcome(
                RotationOutcome.Kind.ROTATED,
                "kv2",
                from,
                to,
                null,
                List.of(new RotationOutcome.VaultCall("GET", "secret/data/x", 200, 3)),
                List.of());
    }

    /** ROTATED after one Vault call per status, each taking {@code ms}. */
    static RotationOutcome rotatedAfter(final long ms, final int... statuses) {
        final List<RotationOutcome.VaultCall> calls = java.util.Arrays.stream(statuses)
                .mapToObj(status -> new RotationOutcome.VaultCall("POST", "secret/data/app", status, ms))
                .toList();
        return new RotationOutcome(RotationOutcome.Kind.ROTATED, "kv2", 1L, 2L, null, calls, List.of());
    }

    static RotationOutcome failed(final String error) {
        return new RotationOutcome(RotationOutcome.Kind.FAILED, "kv2", null, null, error, List.of(), List.of());
    }

    void answer(final Function<RotationRequest, RotationOutcome> a) {
        this.answer = a;
    }

    /** Rotations wait until {@link #open()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    @Override
    public RotationOutcome rotate(final RotationRequest request) {
        requests.add(request);
        final AtomicInteger c = concurrentByPath.computeIfAbsent(request.secretPath(), p -> new AtomicInteger());
        maxConcurrentForOnePath.accumulateAndGet(c.incrementAndGet(), Math::max);
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                return failed("gate never opened");
            }
            return answer.apply(request);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("interrupted");
        } finally {
            c.decrementAndGet();
        }
    }
}
