package dev.rotor.vault;

import dev.rotor.config.RotationTargets;
import dev.rotor.config.SecretValue;
import dev.rotor.devvault.DevVault;
import dev.rotor.devvault.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A dev Vault over real HTTP plus helpers to build rotor's client and rotator against it with test-sized timeouts (1 s)
 * and backoff (20 ms doubling to 200 ms). Helpers that describe secret values never print them.
 *
 * <p>As a JUnit extension ({@code @RegisterExtension static final VaultFixture fx = new VaultFixture();}) it clears
 * injected faults and unseals after each test, and closes after the test class (not after a nested class).
 */
final class VaultFixture implements AutoCloseable, AfterEachCallback, AfterAllCallback {
    private static final AtomicInteger SEQ = new AtomicInteger();

    static {
        // the JDK's HttpServer leaves Nagle on: every small response waits ~40 ms for a delayed ACK without this
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    final DevVault vault = DevVault.start();

    VaultFixture() {
        warmUp();
    }

    /**
     * One untimed round trip first: on a cold JVM the first exchange (class loading on both sides) can take longer than
     * the test clients' 1 s read timeout, which would turn a test's first call into a spurious timeout.
     */
    private void warmUp() {
        try {
            rootClient().readAllowingNotFound("secret/data/warm-up", call -> {});
        } catch (final VaultCallException e) {
            // a slow first answer is exactly what this absorbs
        }
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        vault.clearFaults();
        vault.unseal();
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        if (context.getRequiredTestClass().getEnclosingClass() == null) {
            close();
        }
    }

    VaultClient tokenClient(final String token) {
        return new VaultClient(settings(new VaultClient.TokenCredentials(SecretValue.of(token))));
    }

    VaultClient.Settings settings(final VaultClient.Credentials credentials) {
        return new VaultClient.Settings(
                vault.address(),
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                credentials);
    }

    VaultClient rootClient() {
        return tokenClient(vault.rootToken());
    }

    VaultRotator rotator(final VaultClient client, final String targetsYaml) {
        return new VaultRotator(
                client,
                RotationTargets.parse(targetsYaml, "test"),
                Duration.ofSeconds(5),
                Duration.ofMillis(20),
                Duration.ofMillis(200));
    }

    VaultRotator rotator(final String targetsYaml) {
        return rotator(rootClient(), targetsYaml);
    }

    /** A fresh, unique secret path below {@code prefix} so tests sharing the dev Vault never collide. */
    static String unique(final String prefix) {
        return prefix + "-" + SEQ.incrementAndGet();
    }

    static RotationRequest request(final String path) {
        return request(path, false, Instant.now(), Duration.ofSeconds(5));
    }

    static RotationRequest request(
            final String path, final boolean manual, final Instant trigger, final Duration deadline) {
        return new RotationRequest(
                "cmd-" + UUID.randomUUID(),
                path,
                "test: leaked_credential",
                manual,
                trigger,
                Instant.now().plus(deadline));
    }

    /** Requests logged by the dev Vault for this method and API path (no {@code /v1/}). */
    long count(final String method, final String apiPath) {
        return requests(r -> r.method().equals(method) && r.path().equals("/v1/" + apiPath))
                .size();
    }

    List<Request> requests(final Predicate<Request> p) {
        return vault.requests().stream().filter(p).toList();
    }

    /** Waits until the dev Vault has answered {@code method apiPath} at least {@code n} times. */
    void awaitRequest(final String method, final String apiPath, final int n) throws InterruptedException {
        final long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count(method, apiPath) < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + method + " " + apiPath + " within 10s");
            }
            Thread.sleep(2);
        }
    }

    /** The current value of a field as a string (for comparisons only; never print it). */
    String field(final String mount, final String path, final String name) {
        final Object v = vault.kvRead(mount, path).get(name);
        return v == null ? null : v.toString();
    }

    Map<String, Object> data(final String mount, final String path) {
        return vault.kvRead(mount, path);
    }

    @Override
    public void close() {
        vault.close();
    }
}
